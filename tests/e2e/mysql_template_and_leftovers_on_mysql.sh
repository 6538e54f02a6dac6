#!/bin/sh
# mysql_template_and_leftovers.sh again, on Oracle MySQL instead of MariaDB (see tests/mysql_server.sh).
MY_FLAVOUR=mysql exec sh "$(dirname "$0")/mysql_template_and_leftovers.sh"
