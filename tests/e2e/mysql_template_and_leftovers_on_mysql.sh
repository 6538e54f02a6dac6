#!/bin/sh
# mysql_template_and_leftovers.sh again, on Oracle MySQL instead of MariaDB (see mysql_lib.sh).
MY_FLAVOUR=mysql exec sh "$(dirname "$0")/mysql_template_and_leftovers.sh"
