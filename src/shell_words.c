#include "shell_words.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "argv.h"
#include "error.h"
#include "xalloc.h"

int pt__shell_words_split(const char *text, char ***words, size_t *nr_words, struct pt__buf *err)
{
	struct pt__buf word = PT__BUF_INIT;
	struct pt__argv list = {0};
	bool in_word = false;
	const char *why = NULL;

	for (const char *p = text; *p && !why; p++) {
		if (strchr(" \t\n", *p)) {
			if (in_word)
				pt__argv_add_owned(&list, pt__buf_detach(&word));
			in_word = false;
			continue;
		}
		in_word = true;
		if (*p == '\'') {
			const char *end = strchr(p + 1, '\'');
			if (!end)
				why = "a single quote is not closed";
			else {
				pt__buf_add(&word, p + 1, (size_t)(end - p - 1));
				p = end;
			}
		} else if (*p == '"') {
			for (p++; *p && *p != '"' && !why; p++) {
				bool escaped = *p == '\\' && p[1] && strchr("$`\"\\\n", p[1]);
				if (escaped)
					p++;
				if (!escaped && (*p == '$' || *p == '`'))
					why = "it expands $ or ` in double quotes, and no shell is "
					      "run";
				else if (!escaped || *p != '\n')
					pt__buf_addc(&word, *p);
			}
			if (!*p && !why)
				why = "a double quote is not closed";
			if (why)
				break;
		} else if (*p == '\\') {
			if (!p[1])
				why = "it ends in a backslash";
			else if (*++p != '\n')
				pt__buf_addc(&word, *p);
		} else if (strchr("|&;<>()$`", *p)) {
			why = "it holds shell syntax, and no shell is run: quote it, or use a "
			      "script";
		} else {
			pt__buf_addc(&word, *p);
		}
	}
	if (!why && in_word)
		pt__argv_add_owned(&list, pt__buf_detach(&word));
	if (!why && !list.nr)
		why = "it has no words";
	pt__buf_release(&word);
	if (why) {
		pt__buf_addf(err, "\"%s\": %s", text, why);
		pt__argv_release(&list);
		*words = NULL;
		return PT__EUSAGE;
	}
	*words = list.argv;
	*nr_words = list.nr;
	return 0;
}

void pt__shell_words_free(char **words)
{
	for (size_t i = 0; words && words[i]; i++)
		free(words[i]);
	free(words);
}
