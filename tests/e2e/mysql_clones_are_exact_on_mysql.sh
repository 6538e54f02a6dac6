#!/bin/sh
# mysql_clones_are_exact.sh again, on Oracle MySQL instead of MariaDB (see tests/mysql_server.sh).
MY_FLAVOUR=mysql exec sh "$(dirname "$0")/mysql_clones_are_exact.sh"
