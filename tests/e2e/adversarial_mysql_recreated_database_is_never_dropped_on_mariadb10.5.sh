#!/bin/sh
# adversarial_mysql_recreated_database_is_never_dropped.sh again, on MariaDB 10.5 (see tests/mysql_server.sh).
MY_FLAVOUR=mariadb10.5 exec sh "$(dirname "$0")/adversarial_mysql_recreated_database_is_never_dropped.sh"
