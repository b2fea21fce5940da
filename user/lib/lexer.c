// SPDX-License-Identifier: GPL-2.0
/*
 * Tokenizer of the policy language. Statements are line-oriented, so newlines are tokens. The
 * special characters { } ; # " are only special where docs/policy-language.md says so: inside a
 * path (a word that starts with '/' or "@{") braces are glob alternations, and in the values of a
 * variable definition braces belong to the words too.
 */
#include <stdlib.h>

#include "lexer.h"

void mg_lex_init(struct mg_lexer *lx, struct mg_policy *p, unsigned file, const char *s,
		 size_t len)
{
	memset(lx, 0, sizeof(*lx));
	lx->p = p;
	lx->file = file;
	lx->s = s;
	lx->len = len;
	lx->line = 1;
}

void mg_lex_free(struct mg_lexer *lx)
{
	free(lx->buf);
	free(lx->cols);
	lx->buf = NULL;
	lx->buf_cap = 0;
	lx->cols = NULL;
	lx->cols_cap = 0;
}

const char *mg_tok_name(enum mg_tok_type t)
{
	switch (t) {
	case T_EOF:	return "end of file";
	case T_NEWLINE:	return "end of line";
	case T_SEMI:	return "';'";
	case T_LBRACE:	return "'{'";
	case T_RBRACE:	return "'}'";
	case T_ARROW:	return "'->'";
	case T_WORD:	return "word";
	case T_STRING:	return "string";
	}
	return "token";
}

static struct mg_loc here(const struct mg_lexer *lx)
{
	struct mg_loc l = {
		.file = lx->file,
		.line = lx->line,
		.col = (unsigned)(lx->pos - lx->line_start + 1),
	};
	return l;
}

/* Only what docs/policy-language.md calls whitespace: \v and \f are control characters. */
static bool is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r';
}

static bool is_ctrl(char c)
{
	return ((unsigned char)c < 0x20 && !is_space(c) && c != '\n') || c == 0x7f;
}

static void bad_char(struct mg_lexer *lx, char c, const char *where)
{
	if (c)
		mg_error(lx->p, here(lx), "unexpected control character 0x%02x%s",
			 (unsigned char)c, where);
	else
		mg_error(lx->p, here(lx), "NUL byte %s", *where ? where + 1 : "in policy text");
}

/* Appends byte @c, which comes from column @col, to the token text. */
static int put_at(struct mg_lexer *lx, size_t *n, char c, unsigned col)
{
	if (mg_grow((void **)&lx->buf, &lx->buf_cap, *n + 2, 1) ||
	    mg_grow((void **)&lx->cols, &lx->cols_cap, *n + 2, sizeof(*lx->cols)))
		return -ENOMEM;
	lx->cols[*n] = col;
	lx->buf[(*n)++] = c;
	lx->buf[*n] = '\0';
	return 0;
}

static int put(struct mg_lexer *lx, size_t *n, char c)
{
	return put_at(lx, n, c, here(lx).col);
}

static int start_text(struct mg_lexer *lx)
{
	size_t n = 0;

	if (put(lx, &n, 'x'))
		return -ENOMEM;
	lx->buf[0] = '\0';
	return 0;
}

/* A quoted string: "..." on one line, with the escapes \\ and \" only. */
static int lex_string(struct mg_lexer *lx, struct mg_token *tok)
{
	struct mg_loc open = here(lx);
	size_t n = 0;
	bool closed = false;

	if (start_text(lx))
		return -ENOMEM;
	lx->pos++;
	while (lx->pos < lx->len && lx->s[lx->pos] != '\n') {
		char c = lx->s[lx->pos];

		if (c == '"') {
			lx->pos++;
			closed = true;
			break;
		}
		if (c == '\\') {
			char e = lx->pos + 1 < lx->len ? lx->s[lx->pos + 1] : '\0';

			if (e == '\\' || e == '"') {
				if (put_at(lx, &n, e, here(lx).col))
					return -ENOMEM;
				lx->pos += 2;
				continue;
			}
			mg_error(lx->p, here(lx),
				 "unknown escape in string (only \\\\ and \\\" are allowed)");
			lx->pos++;
			continue;
		}
		if (is_ctrl(c)) {
			bad_char(lx, c, " in string");
			lx->pos++;
			continue;
		}
		if (put(lx, &n, c))
			return -ENOMEM;
		lx->pos++;
	}
	if (!closed)
		mg_error(lx->p, open, "unterminated string (a string ends on the line it starts)");
	else if (lx->pos < lx->len) {
		char c = lx->s[lx->pos];

		if (!is_space(c) && c != '\n' && c != ';' && c != '{' && c != '}' && c != '#')
			mg_error(lx->p, here(lx), "missing space after closing quote");
	}
	tok->type = T_STRING;
	tok->loc = open;
	tok->text = lx->buf;
	tok->cols = lx->cols;
	tok->len = n;
	return 0;
}

static int lex_word(struct mg_lexer *lx, struct mg_token *tok)
{
	char c0 = lx->s[lx->pos], c1 = lx->pos + 1 < lx->len ? lx->s[lx->pos + 1] : '\0';
	bool braces = lx->raw_braces || c0 == '/' || (c0 == '@' && c1 == '{');
	size_t n = 0;

	tok->loc = here(lx);
	if (c0 == '-' && c1 == '>') {
		lx->pos += 2;
		tok->type = T_ARROW;
		tok->text = NULL;
		tok->cols = NULL;
		tok->len = 0;
		return 0;
	}
	if (start_text(lx))
		return -ENOMEM;
	while (lx->pos < lx->len) {
		char c = lx->s[lx->pos];

		if (is_space(c) || c == '\n' || c == ';')
			break;
		if (!braces && (c == '{' || c == '}'))
			break;
		if (is_ctrl(c)) {
			bad_char(lx, c, "");
			lx->pos++;
			continue;
		}
		if (c == '"')
			mg_error(lx->p, here(lx), "'\"' inside a word (quote the whole word)");
		if (put(lx, &n, c))
			return -ENOMEM;
		lx->pos++;
	}
	tok->type = T_WORD;
	tok->text = lx->buf;
	tok->cols = lx->cols;
	tok->len = n;
	return 0;
}

int mg_lex_next(struct mg_lexer *lx, struct mg_token *tok)
{
	for (;;) {
		char c;

		if (lx->pos >= lx->len) {
			tok->type = T_EOF;
			tok->loc = here(lx);
			tok->text = NULL;
			tok->cols = NULL;
			tok->len = 0;
			return 0;
		}
		c = lx->s[lx->pos];
		if (is_space(c)) {
			lx->pos++;
			continue;
		}
		if (c == '#') {
			/* A comment is still policy text: a NUL or a control character in it is
			 * as likely a corrupted file as anywhere else. */
			while (lx->pos < lx->len && lx->s[lx->pos] != '\n') {
				if (is_ctrl(lx->s[lx->pos]))
					bad_char(lx, lx->s[lx->pos], " in comment");
				lx->pos++;
			}
			continue;
		}
		if (is_ctrl(c)) {
			bad_char(lx, c, "");
			lx->pos++;
			continue;
		}
		tok->text = NULL;
		tok->cols = NULL;
		tok->len = 0;
		tok->loc = here(lx);
		if (lx->raw_braces && (c == '{' || c == '}'))
			return lex_word(lx, tok);
		switch (c) {
		case '\n':
			tok->type = T_NEWLINE;
			lx->pos++;
			lx->line++;
			lx->line_start = lx->pos;
			lx->raw_braces = false;
			return 0;
		case ';':
			tok->type = T_SEMI;
			lx->pos++;
			lx->raw_braces = false;
			return 0;
		case '{':
			tok->type = T_LBRACE;
			lx->pos++;
			return 0;
		case '}':
			tok->type = T_RBRACE;
			lx->pos++;
			return 0;
		case '"':
			return lex_string(lx, tok);
		default:
			return lex_word(lx, tok);
		}
	}
}
