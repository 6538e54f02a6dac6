#!/bin/sh
# mysql_ready_pool.sh again, on MariaDB 10.5 instead of 10.11 (see tests/mysql_server.sh).
MY_FLAVOUR=mariadb10.5 exec sh "$(dirname "$0")/mysql_ready_pool.sh"
