#!/bin/sh
# A program that speaks the worker protocol but falls silent cannot hold the
# run: its hello is due within 30 s and its listing, exit included, within
# 60 s. Three such programs run at once, so this takes about a minute.
. "$(dirname "$0")/lib.sh"

# worker NAME BODY: a script worker that runs BODY after reading its first
# command. (The marker is spelled in two pieces, or this script would be one.)
worker() {
	printf '#!/bin/sh\n# %s: 1\nread -r verb rest <&3\n%s\n' partest-worker-protocol "$2" \
		>"$work/$1"
	chmod +x "$work/$1"
}
worker mute 'exec sleep 300'
worker mute_when_working '[ "$verb" = list ] || exec sleep 300
printf "hello 1 %d\ntest s t 0\nlisted\n" $$ >&4'
worker lingering 'printf "hello 1 %d\ntest s t 0\nlisted\n" $$ >&4
exec 4>&- 3<&-
exec sleep 300'

# runs NAME ARGS...: partest ARGS in the background, its output in NAME.out and NAME.err.
runs() {
	name=$1
	shift
	("$PARTEST" "$@" >"$name.out" 2>"$name.err" </dev/null; echo $? >"$name.status") &
}
runs mute "$work/mute"
runs mute_when_working --kill-grace 0.3 "$work/mute_when_working"
runs lingering "$work/lingering"
wait

check "a listing that never says hello: exit 3" grep -qx 3 mute.status
check "it is said in one line" sh -c '[ "$(wc -l <mute.err)" -eq 1 ]'
check "the line names the program and the hello" \
	grep -qF "cannot list the tests of \"$work/mute\": it did not say hello within 30 s" mute.err
check "a worker that never says hello fails its tests: exit 1" \
	grep -qx 1 mute_when_working.status
check "its test says why" grep -qF 'did not say hello within 30 s' mute_when_working.out
check "a listing that never exits: exit 3" grep -qx 3 lingering.status
check "the line says it did not end its listing" \
	grep -qF 'it did not list its tests and exit within 60 s' lingering.err
check "none of them is left running" \
	sh -c '! pgrep -f "$work/(mute|mute_when_working|lingering)" >/dev/null'
check "nothing is left behind" no_run_dirs_left
done_testing
