#!/bin/sh
# mysql_ready_pool.sh again, on Oracle MySQL, whose databases keep no comment (see tests/mysql_server.sh).
MY_FLAVOUR=mysql exec sh "$(dirname "$0")/mysql_ready_pool.sh"
