#!/bin/sh
# adversarial_mysql_recreated_database_is_never_dropped.sh again, on Oracle MySQL, whose databases keep no comment (see tests/mysql_server.sh).
MY_FLAVOUR=mysql exec sh "$(dirname "$0")/adversarial_mysql_recreated_database_is_never_dropped.sh"
