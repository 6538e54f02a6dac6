#!/bin/sh
# A program the kernel cannot execute (an empty file with +x, an ELF image cut
# short or with a bad header, a script whose interpreter is missing, text
# without #!, a directory) and a program path with a newline or another
# control character stop the run before anything runs: exit 2 and one line
# on stderr that names the program, escaped.
. "$(dirname "$0")/lib.sh"

: >empty && chmod +x empty
head -c 3000 "$PROGRAMS/behaviours" >truncated && chmod +x truncated
printf '\177ELF garbage, not a header' >bad_header && chmod +x bad_header
printf '#!/nonexistent/interpreter\necho hi\n' >no_interpreter && chmod +x no_interpreter
printf 'echo no shebang\n' >no_shebang && chmod +x no_shebang
mkdir a_directory
newline_path=$(printf 'new\nline')
cp "$PROGRAMS/behaviours" "$newline_path"
escape_path=$(printf 'esc\033[31mape')
cp "$PROGRAMS/behaviours" "$escape_path"

refused() { # refused PROGRAM WHAT REASON
	run -j2 "./$1"
	check "$2: exit status 2" status_is 2
	check "$2: one line on stderr" err_is_one_line
	check "$2: it says why" err_has "$3"
	check "$2: nothing ran" sh -c '! [ -s out ]'
}
refused empty "an empty file" 'cannot run "./empty": it is empty'
refused truncated "an ELF image cut short" 'cannot run "./truncated": it is an ELF image'
refused bad_header "an ELF header that is not one" 'cannot run "./bad_header": it is an ELF image'
refused no_interpreter "a missing interpreter" \
	'its interpreter "/nonexistent/interpreter" cannot be run'
refused no_shebang "text without #!" 'neither an ELF executable nor a script starting with #!'
refused a_directory "a directory" 'cannot run "./a_directory": it is a directory'
refused "$newline_path" "a path with a newline" \
	'cannot run "./new\nline": its path holds a control character'
refused "$escape_path" "a path with an escape" \
	'cannot run "./esc\x1b[31mape": its path holds a control character'

run --list "./$newline_path"
check "--list refuses a path with a newline too" status_is 2
run -j2 "$PROGRAMS/behaviours" --filter '*::ok::*'
check "a real program still runs" status_is 0
check "nothing is left behind" no_run_dirs_left
done_testing
