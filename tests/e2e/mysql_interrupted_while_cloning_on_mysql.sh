#!/bin/sh
# mysql_interrupted_while_cloning.sh again, on Oracle MySQL instead of MariaDB (see tests/mysql_server.sh).
MY_FLAVOUR=mysql exec sh "$(dirname "$0")/mysql_interrupted_while_cloning.sh"
