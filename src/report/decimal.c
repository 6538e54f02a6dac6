#include "decimal.h"

void pt__decimal_add(struct pt__buf *out, uint64_t value)
{
	char digits[20];
	size_t n = 0;

	do {
		digits[sizeof(digits) - ++n] = (char)('0' + value % 10);
		value /= 10;
	} while (value);
	pt__buf_add(out, digits + sizeof(digits) - n, n);
}

void pt__decimal_add_fixed(struct pt__buf *out, int64_t value, unsigned decimals)
{
	uint64_t scale = 1, v = value > 0 ? (uint64_t)value : 0;
	char fraction[20];

	for (unsigned i = 0; i < decimals; i++)
		scale *= 10;
	pt__decimal_add(out, v / scale);
	if (!decimals)
		return;
	v %= scale;
	for (unsigned i = decimals; i > 0; i--) {
		fraction[i - 1] = (char)('0' + v % 10);
		v /= 10;
	}
	pt__buf_addc(out, '.');
	pt__buf_add(out, fraction, decimals);
}
