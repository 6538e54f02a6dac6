/* UTF-8 as the reports read it: test output is bytes, reports are text. */
#ifndef PT_REPORT_UTF8_H
#define PT_REPORT_UTF8_H

#include <stddef.h>
#include <stdint.h>

/* Marks an invalid sequence in pt__utf8_decode()'s result. */
#define PT__UTF8_INVALID UINT32_MAX

/*
 * Decodes the UTF-8 sequence at s[0..len), len > 0, s[0] >= 0x80, under the
 * rules of Unicode Table 3-7 (no overlongs, no surrogates, nothing above
 * U+10FFFF). Returns the bytes taken; for an invalid sequence *code_point
 * is PT__UTF8_INVALID and the bytes taken are its maximal subpart (at
 * least one), so that each invalid subpart is replaced exactly once.
 */
size_t pt__utf8_decode(const unsigned char *s, size_t len, uint32_t *code_point);

#endif
