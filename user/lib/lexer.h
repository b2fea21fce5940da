/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Tokenizer of the policy language (docs/policy-language.md, "Lexical structure").
 */
#ifndef MEDGATE_LIB_LEXER_H
#define MEDGATE_LIB_LEXER_H

#include "internal.h"

enum mg_tok_type {
	T_EOF,
	T_NEWLINE,
	T_SEMI,		/* ';' ends a statement like a newline */
	T_LBRACE,
	T_RBRACE,
	T_ARROW,	/* "->" */
	T_WORD,		/* bare word: keyword, name, path, access letters */
	T_STRING,	/* "quoted": never a keyword */
};

/**
 * struct mg_token - the current token.
 * @text: the word or the unquoted string (NUL-terminated, owned by the lexer, valid until the
 *        next mg_lex_next()); NULL for punctuation.
 * @len: bytes in @text; a quoted string may hold no NUL, so strlen(@text) == @len.
 * @cols: for each byte of @text, the column it came from (escapes in strings make the two differ),
 *        so that an error about one byte of a path points at it; NULL for punctuation.
 */
struct mg_token {
	enum mg_tok_type type;
	struct mg_loc loc;
	const char *text;
	size_t len;
	const unsigned *cols;
};

struct mg_lexer {
	struct mg_policy *p;
	unsigned file;
	const char *s;
	size_t len, pos;
	unsigned line;
	size_t line_start;
	char *buf;
	size_t buf_cap;
	unsigned *cols;
	size_t cols_cap;
	/*
	 * Braces belong to words (the values of a variable definition, "{a,b}"), not to profile
	 * blocks. The parser sets it for the rest of a statement; a newline or ';' clears it.
	 */
	bool raw_braces;
};

void mg_lex_init(struct mg_lexer *lx, struct mg_policy *p, unsigned file, const char *s,
		 size_t len);
void mg_lex_free(struct mg_lexer *lx);
/* Returns 0 or -ENOMEM. Lexical errors are recorded and lexing goes on. */
int mg_lex_next(struct mg_lexer *lx, struct mg_token *tok);
const char *mg_tok_name(enum mg_tok_type t);

#endif /* MEDGATE_LIB_LEXER_H */
