/* The protocol's framing: what the runner accepts from a worker, and what not. */
#include <partest.h>
#include <string.h>

#include "protocol.h"

static struct pt__frame frame;
static struct pt__buf err;

static int parse_events(const char *data, size_t len, size_t *used)
{
	pt__buf_reset(&err);
	return pt__wire_parse(PT__WIRE_EVENTS, data, len, &frame, used, &err);
}

PT_TEST(wire, result_with_payload_is_parsed)
{
	const char data[] = "result 7 fail 120 10 0 5\nhello";
	size_t used;

	PT_ASSERT_INT(parse_events(data, strlen(data), &used), ==, 1);
	PT_ASSERT_SIZE(used, ==, strlen(data));
	PT_ASSERT_SIZE(frame.nr_words, ==, 7);
	PT_ASSERT_STR(frame.words[2], ==, "fail");
	PT_ASSERT_SIZE(frame.payload_len, ==, 5);
	PT_ASSERT_MEM(frame.payload, "hello", 5);
}

PT_TEST(wire, partial_frames_ask_for_more)
{
	size_t used;

	PT_ASSERT_INT(parse_events("result 7 pass 1", 15, &used), ==, 0);
	PT_ASSERT_INT(parse_events("result 7 pass 1 0 0 9\nshort", 27, &used), ==, 0);
}

PT_TEST(wire, unknown_verb_is_rejected)
{
	size_t used;

	PT_ASSERT_INT(parse_events("bonjour\n", 8, &used), ==, -1);
	PT_ASSERT_TRUE(strstr(err.data, "unknown message") != NULL);
}

PT_TEST(wire, wrong_word_count_is_rejected)
{
	size_t used;

	PT_ASSERT_INT(parse_events("ready now\n", 10, &used), ==, -1);
	PT_ASSERT_INT(parse_events("hello 1\n", 8, &used), ==, -1);
}

PT_TEST(wire, absurd_payload_length_is_rejected)
{
	size_t used;
	const char huge[] = "init-failed 99999999999\n";
	const char negative[] = "init-failed -1\n";

	PT_ASSERT_INT(parse_events(huge, strlen(huge), &used), ==, -1);
	PT_ASSERT_INT(parse_events(negative, strlen(negative), &used), ==, -1);
}

PT_TEST(wire, overlong_header_is_rejected)
{
	static char data[PT__WIRE_MAX_HEADER + 10];
	size_t used;

	memset(data, 'a', sizeof(data));
	PT_ASSERT_INT(parse_events(data, sizeof(data), &used), ==, -1);
}

PT_TEST(wire, nul_byte_in_header_is_rejected)
{
	size_t used;

	PT_ASSERT_INT(parse_events("rea\0dy\n", 7, &used), ==, -1);
}

PT_TEST(wire, commands_and_events_are_separate_vocabularies)
{
	size_t used;

	pt__buf_reset(&err);
	PT_ASSERT_INT(pt__wire_parse(PT__WIRE_COMMANDS, "run 1 s n\n", 10, &frame, &used, &err), ==,
		      1);
	PT_ASSERT_INT(parse_events("run 1 s n\n", 10, &used), ==, -1);
}

PT_TEARDOWN(wire)
{
	pt__buf_release(&err);
}
