/*
 * The MySQL backend's rewrites of SQL text read from the template: the
 * schema qualifiers of views, triggers and routines pointed at a clone, and
 * the column collations MySQL shows but did not store as given.
 */
#include "mysql.h"

#include <stdbool.h>
#include <string.h>

/* A character of an unquoted identifier: letters, digits, '_', '$' and any
 * byte of a multi-byte UTF-8 character. */
static bool identifier_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '_' || c == '$' || (unsigned char)c >= 0x80;
}

/* The end of the quoted text starting at c (a quote character): after the
 * closing quote, or at the end of the string. Backslashes escape inside
 * '...' and "...", and a doubled quote stands for itself in all three. */
static const char *quoted_end(const char *c)
{
	char quote = *c++;

	while (*c) {
		if (*c == '\\' && quote != '`' && c[1]) {
			c += 2;
		} else if (*c == quote) {
			if (c[1] != quote)
				return c + 1;
			c += 2;
		} else {
			c++;
		}
	}
	return c;
}

/* The end of the comment starting at c, or NULL when c starts none. A
 * versioned comment, "/" "*!", holds code and counts as none. */
static const char *comment_end(const char *c)
{
	if ((c[0] == '-' && c[1] == '-' && (c[2] == ' ' || c[2] == '\t' || c[2] == '\n')) ||
	    c[0] == '#') {
		const char *nl = strchr(c, '\n');
		return nl ? nl : c + strlen(c);
	}
	if (c[0] == '/' && c[1] == '*' && c[2] != '!') {
		const char *close = strstr(c + 2, "*/");
		return close ? close + 2 : c + strlen(c);
	}
	return NULL;
}

void pt__my_rewrite_schema(const char *sql, const char *from, const char *to, struct pt__buf *out)
{
	struct pt__buf quoted = PT__BUF_INIT, replacement = PT__BUF_INIT;
	size_t from_len = strlen(from);
	const char *plain = to; /* to, when it needs no quotes */
	char before = '\0';	/* the last character copied that is not a space */

	pt__my_add_identifier(from, &quoted);
	pt__buf_addc(&quoted, '.');
	pt__my_add_identifier(to, &replacement);
	pt__buf_addc(&replacement, '.');
	for (const char *c = to; *c; c++)
		if (!identifier_char(*c))
			plain = NULL;
	for (const char *c = sql; *c;) {
		const char *end = comment_end(c);
		if (end) {
			pt__buf_add(out, c, (size_t)(end - c));
			c = end;
			continue;
		}
		if (*c == '`' && before != '.' && !strncmp(c, quoted.data, quoted.len)) {
			pt__buf_add(out, replacement.data, replacement.len);
			c += quoted.len;
			before = '.';
			continue;
		}
		if (*c == '\'' || *c == '"' || *c == '`') {
			end = quoted_end(c);
		} else if (identifier_char(*c)) {
			for (end = c; identifier_char(*end);)
				end++;
			if ((size_t)(end - c) == from_len && *end == '.' && before != '.' &&
			    !strncmp(c, from, from_len)) {
				if (plain)
					pt__buf_addf(out, "%s.", plain);
				else
					pt__buf_add(out, replacement.data, replacement.len);
				c = end + 1;
				before = '.';
				continue;
			}
		} else {
			end = c + 1;
		}
		pt__buf_add(out, c, (size_t)(end - c));
		if (*c != ' ' && *c != '\t' && *c != '\n')
			before = end[-1];
		c = end;
	}
	pt__buf_release(&quoted);
	pt__buf_release(&replacement);
}

/*
 * One column line of SHOW CREATE TABLE: "  `name` type[ CHARACTER SET cs]
 * [ COLLATE co]...". Returns where " COLLATE collation" starts when the line
 * names that collation without a character set before it, else NULL; *after
 * is then where the clause ends.
 */
static const char *implied_collation(const char *line, const char *eol, const char *collation,
				     const char **after)
{
	static const char keyword[] = " COLLATE ";
	size_t len = strlen(collation);
	int depth = 0;
	const char *c;

	if (strncmp(line, "  `", 3))
		return NULL;
	c = quoted_end(line + 2);
	if (c >= eol || *c != ' ')
		return NULL;
	/* The type, up to the first space outside its parentheses and literals. */
	for (c++; c < eol && (depth || *c != ' ');) {
		if (*c == '\'' || *c == '"') {
			c = quoted_end(c);
			continue;
		}
		depth += *c == '(' ? 1 : *c == ')' ? -1 : 0;
		c++;
	}
	if (c >= eol || strncmp(c, keyword, sizeof(keyword) - 1) ||
	    strncmp(c + sizeof(keyword) - 1, collation, len))
		return NULL;
	*after = c + sizeof(keyword) - 1 + len;
	if (*after != eol && **after != ' ' && **after != ',')
		return NULL;
	return c;
}

void pt__my_drop_implied_collations(const char *create, const char *table_collation,
				    struct pt__buf *out)
{
	for (const char *line = create; *line;) {
		const char *eol = strchr(line, '\n'), *after = NULL, *clause;
		if (!eol)
			eol = line + strlen(line);
		clause = table_collation ? implied_collation(line, eol, table_collation, &after)
					 : NULL;
		if (clause) {
			pt__buf_add(out, line, (size_t)(clause - line));
			pt__buf_add(out, after, (size_t)(eol - after));
		} else {
			pt__buf_add(out, line, (size_t)(eol - line));
		}
		if (*eol)
			pt__buf_addc(out, *eol++);
		line = eol;
	}
}
