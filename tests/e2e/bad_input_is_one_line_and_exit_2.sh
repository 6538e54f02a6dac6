#!/bin/sh
# Bad input gets one clear line on stderr, exit 2, and nothing left behind.
. "$(dirname "$0")/lib.sh"

bad() {
	what=$1
	expected=$2
	shift 2
	run "$@"
	check "$what: exit 2" status_is 2
	check "$what: one line on stderr" err_is_one_line
	check "$what: says '$expected'" err_has "$expected"
	check "$what: leaves no run directory" no_run_dirs_left
}

printf '#!/bin/sh\nexit 0\n' >not_executable.sh
printf '#!/bin/sh\nexit 0\n' >ok.sh
chmod +x ok.sh
bad "unknown option" "--frobnicate: unknown option" --frobnicate ok.sh
bad "option without value" "--jobs: needs a value" ok.sh --jobs
bad "malformed jobs" '--jobs "lots"' -j lots ok.sh
bad "no programs" "no programs to run" -j 2
bad "missing program" 'cannot run "missing-program"' missing-program
bad "program not executable" "it is not executable" ./not_executable.sh
bad "a directory" "it is a directory" "$work"
bad "malformed database URL" "nosuch://x" --db nosuch://x ok.sh
run --db 'mysql://app:s3cret@127.0.0.1:1/app_test' ok.sh
check "an unreachable database server: exit 3" status_is 3
check "said in one line" err_is_one_line
check "the password is never shown" sh -c '! grep -q s3cret err out'
bad "unwritable JUnit path" 'cannot write the JUnit report' --junit /nonexistent/dir/report.xml ok.sh
bad "filter matching nothing" "no test matches --filter" --filter '*nothing*' ok.sh

printf '#!/bin/sh\necho "migration 0002 failed: syntax error"\nexit 4\n' >setup.sh
chmod +x setup.sh
run --db "sqlite:$work/app.db" --db-setup ./setup.sh ok.sh
check "a failing --db-setup exits 2" status_is 2
check "it names the command and its status" err_has './setup.sh'
check "its output is shown" err_has 'migration 0002 failed: syntax error'
check "the half-built template is removed" [ ! -e "$work/app.db" ]
check "no run directory is left" no_run_dirs_left
done_testing
