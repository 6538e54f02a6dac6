#!/bin/sh
# mysql_keep_failed_keeps_the_clone.sh again, on Oracle MySQL, whose databases keep no comment (see tests/mysql_server.sh).
MY_FLAVOUR=mysql exec sh "$(dirname "$0")/mysql_keep_failed_keeps_the_clone.sh"
