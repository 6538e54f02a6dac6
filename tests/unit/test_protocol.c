/* The protocol module: what the runner and a worker accept from each other, and what not. */
#include <partest.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "protocol.h"

static struct pt__frame_storage storage;
static struct pt__event event;
static struct pt__command command;
static struct pt__buf err;

static int decode_event(const char *data, size_t len, size_t *used)
{
	pt__buf_reset(&err);
	return pt__protocol_decode_event(data, len, &event, &storage, used, &err);
}

static int decode_command(const char *data, size_t len, size_t *used)
{
	pt__buf_reset(&err);
	return pt__protocol_decode_command(data, len, &command, &storage, used, &err);
}

PT_TEST(protocol, result_with_payload_is_decoded)
{
	const char data[] = "result 7 fail 120 10 - 5\nhello";
	size_t used;

	PT_ASSERT_INT(decode_event(data, strlen(data), &used), ==, 1);
	PT_ASSERT_SIZE(used, ==, strlen(data));
	PT_ASSERT_INT(event.type, ==, PT__EVENT_RESULT);
	PT_ASSERT_SIZE(event.seq, ==, 7);
	PT_ASSERT_INT(event.status, ==, PT__WIRE_FAIL);
	PT_ASSERT_INT(event.duration_us, ==, 120);
	PT_ASSERT_INT(event.out_end, ==, 10);
	PT_ASSERT_INT(event.err_end, ==, -1);
	PT_ASSERT_SIZE(event.payload_len, ==, 5);
	PT_ASSERT_MEM(event.payload, "hello", 5);
}

PT_TEST(protocol, every_event_decodes_to_what_was_encoded)
{
	const struct pt__event events[] = {
		{.type = PT__EVENT_HELLO, .version = 1, .pid = 4242},
		{.type = PT__EVENT_TEST,
		 .suite = "accounts",
		 .name = "deposit",
		 .timeout_ms = 1500},
		{.type = PT__EVENT_LISTED},
		{.type = PT__EVENT_READY},
		{.type = PT__EVENT_INIT_FAILED, .payload = "no db", .payload_len = 5},
		{.type = PT__EVENT_RESULT,
		 .seq = 3,
		 .status = PT__WIRE_LEAK,
		 .duration_us = 9,
		 .out_end = 0,
		 .err_end = 77,
		 .payload = "",
		 .payload_len = 0},
		{.type = PT__EVENT_ENDED,
		 .status = PT__WIRE_FAIL,
		 .payload = "td",
		 .payload_len = 2},
		{.type = PT__EVENT_SERVING},
		{.type = PT__EVENT_FORKED, .worker = 2, .pid = 99},
		{.type = PT__EVENT_FORK_REFUSED,
		 .worker = 3,
		 .payload = "threads",
		 .payload_len = 7},
		{.type = PT__EVENT_EXITED, .pid = 100, .wait_status = 9},
	};
	struct pt__buf wire = PT__BUF_INIT;

	for (size_t i = 0; i < sizeof(events) / sizeof(events[0]); i++)
		pt__protocol_encode_event(&wire, &events[i]);
	size_t at = 0;
	for (size_t i = 0; i < sizeof(events) / sizeof(events[0]); i++) {
		size_t used;
		PT_ASSERT_INT(decode_event(wire.data + at, wire.len - at, &used), ==, 1);
		at += used;
		PT_EXPECT_INT(event.type, ==, events[i].type);
		PT_EXPECT_INT(event.pid, ==, events[i].pid);
		PT_EXPECT_INT(event.worker, ==, events[i].worker);
		PT_EXPECT_INT(event.timeout_ms, ==, events[i].timeout_ms);
		PT_EXPECT_INT(event.wait_status, ==, events[i].wait_status);
		PT_EXPECT_SIZE(event.payload_len, ==, events[i].payload_len);
		if (events[i].suite)
			PT_EXPECT_STR(event.suite, ==, events[i].suite);
		if (events[i].type == PT__EVENT_RESULT)
			PT_EXPECT_INT(event.err_end, ==, 77);
	}
	PT_EXPECT_SIZE(at, ==, wire.len);
	pt__buf_release(&wire);
}

PT_TEST(protocol, commands_round_trip)
{
	struct pt__buf wire = PT__BUF_INIT;
	size_t used;

	pt__protocol_encode_command(
		&wire, &(struct pt__command){
			       .type = PT__COMMAND_RUN, .seq = 12, .suite = "s", .name = "n"});
	PT_ASSERT_STR(wire.data, ==, "run 12 s n\n");
	PT_ASSERT_INT(decode_command(wire.data, wire.len, &used), ==, 1);
	PT_EXPECT_INT(command.type, ==, PT__COMMAND_RUN);
	PT_EXPECT_SIZE(command.seq, ==, 12);
	PT_EXPECT_STR(command.name, ==, "n");
	pt__buf_reset(&wire);
	pt__protocol_encode_command(&wire, &(struct pt__command){.type = PT__COMMAND_FORK,
								 .worker = 4,
								 .payload = "A=1",
								 .payload_len = 4});
	PT_ASSERT_INT(decode_command(wire.data, wire.len, &used), ==, 1);
	PT_EXPECT_INT(command.worker, ==, 4);
	PT_EXPECT_SIZE(command.payload_len, ==, 4);
	pt__buf_release(&wire);
}

PT_TEST(protocol, a_retry_s_attempt_rides_on_its_run_frame)
{
	struct pt__buf wire = PT__BUF_INIT;
	size_t used;

	pt__protocol_encode_command(&wire, &(struct pt__command){.type = PT__COMMAND_RUN,
								 .seq = 3,
								 .suite = "s",
								 .name = "n",
								 .attempt = 2});
	PT_ASSERT_STR(wire.data, ==, "run 3 s n 2\n");
	PT_ASSERT_INT(decode_command(wire.data, wire.len, &used), ==, 1);
	PT_EXPECT_INT(command.attempt, ==, 2);
	PT_EXPECT_STR(command.name, ==, "n");
	pt__buf_reset(&wire);
	pt__protocol_encode_command(&wire, &(struct pt__command){.type = PT__COMMAND_RUN,
								 .seq = 3,
								 .suite = "s",
								 .name = "n",
								 .attempt = 1});
	PT_ASSERT_STR(wire.data, ==, "run 3 s n\n");
	PT_ASSERT_INT(decode_command(wire.data, wire.len, &used), ==, 1);
	PT_EXPECT_INT(command.attempt, ==, 1);
	pt__buf_release(&wire);
	PT_ASSERT_INT(decode_command("run 3 s n 0\n", 12, &used), ==, PT__EPROTOCOL);
	PT_EXPECT_STR(err.data, ==, "\"run\" with a bad attempt \"0\"");
	PT_ASSERT_INT(decode_command("run 3 s n 2 x\n", 14, &used), ==, PT__EPROTOCOL);
	PT_EXPECT_STR(err.data, ==, "\"run\" takes 4 to 5 words, got 6");
}

PT_TEST(protocol, partial_frames_ask_for_more)
{
	size_t used;

	PT_ASSERT_INT(decode_event("result 7 pass 1", 15, &used), ==, 0);
	PT_ASSERT_INT(decode_event("result 7 pass 1 0 0 9\nshort", 27, &used), ==, 0);
}

PT_TEST(protocol, unknown_verb_is_rejected)
{
	size_t used;

	PT_ASSERT_INT(decode_event("bonjour\n", 8, &used), ==, PT__EPROTOCOL);
	PT_ASSERT_STR(err.data, ==, "unknown message \"bonjour\"");
}

PT_TEST(protocol, unknown_status_and_malformed_numbers_are_rejected)
{
	size_t used;

	PT_ASSERT_INT(decode_event("result 1 great 5 0 0 0\n", 23, &used), ==, PT__EPROTOCOL);
	PT_ASSERT_STR(err.data, ==, "\"result\" with an unknown status \"great\"");
	PT_ASSERT_INT(decode_event("result x pass 5 0 0 0\n", 22, &used), ==, PT__EPROTOCOL);
	PT_ASSERT_INT(decode_event("result 1 pass 5 12ab 0 0\n", 25, &used), ==, PT__EPROTOCOL);
	PT_ASSERT_INT(decode_event("hello 1 -3\n", 11, &used), ==, PT__EPROTOCOL);
	PT_ASSERT_INT(decode_event("ended maybe 0\n", 14, &used), ==, PT__EPROTOCOL);
}

PT_TEST(protocol, wrong_word_count_is_rejected)
{
	size_t used;

	PT_ASSERT_INT(decode_event("ready now\n", 10, &used), ==, PT__EPROTOCOL);
	PT_ASSERT_INT(decode_event("hello 1\n", 8, &used), ==, PT__EPROTOCOL);
}

PT_TEST(protocol, absurd_payload_length_is_rejected)
{
	size_t used;
	const char huge[] = "init-failed 99999999999\n";
	const char negative[] = "init-failed -1\n";

	PT_ASSERT_INT(decode_event(huge, strlen(huge), &used), ==, PT__EPROTOCOL);
	PT_ASSERT_INT(decode_event(negative, strlen(negative), &used), ==, PT__EPROTOCOL);
}

PT_TEST(protocol, the_header_limit_counts_the_newline)
{
	static char data[PT__PROTOCOL_MAX_HEADER + 10];
	size_t used;

	/* 4095 bytes and the newline: the longest header there can be. */
	memset(data, ' ', sizeof(data));
	memcpy(data, "ready", 5);
	data[PT__PROTOCOL_MAX_HEADER - 1] = '\n';
	PT_ASSERT_INT(decode_event(data, sizeof(data), &used), ==, 1);
	PT_ASSERT_SIZE(used, ==, PT__PROTOCOL_MAX_HEADER);
	/* One byte more, and it is not a header any more. */
	data[PT__PROTOCOL_MAX_HEADER - 1] = ' ';
	data[PT__PROTOCOL_MAX_HEADER] = '\n';
	PT_ASSERT_INT(decode_event(data, sizeof(data), &used), ==, PT__EPROTOCOL);
}

PT_TEST(protocol, nul_byte_in_header_is_rejected)
{
	size_t used;

	PT_ASSERT_INT(decode_event("rea\0dy\n", 7, &used), ==, PT__EPROTOCOL);
}

PT_TEST(protocol, commands_and_events_are_separate_vocabularies)
{
	size_t used;

	PT_ASSERT_INT(decode_command("run 1 s n\n", 10, &used), ==, 1);
	PT_ASSERT_INT(decode_event("run 1 s n\n", 10, &used), ==, PT__EPROTOCOL);
	PT_ASSERT_INT(decode_command("ready\n", 6, &used), ==, PT__EPROTOCOL);
}

PT_TEARDOWN(protocol)
{
	pt__buf_release(&err);
}

/* Decodes the one test-info frame in frame into info. */
static int decode_info(const struct pt__buf *frame, struct pt__test_info *info,
		       struct pt__test_info_storage *info_storage)
{
	size_t used;

	if (decode_event(frame->data, frame->len, &used) != 1 || used != frame->len ||
	    event.type != PT__EVENT_TEST_INFO)
		return -1;
	return pt__protocol_decode_test_info(event.payload, event.payload_len, info, info_storage,
					     &err);
}

PT_TEST(protocol, test_info_round_trips)
{
	static struct pt__test_info_storage info_storage;
	struct pt__buf frame = PT__BUF_INIT;
	struct pt__test_info info;

	pt__protocol_encode_test_info(&frame, &(struct pt__test_info){.file = "t/my file.c",
								      .line = 42,
								      .tags = "db slow",
								      .locks = "port-8080",
								      .exclusive = 1,
								      .weight = 3});
	PT_ASSERT_INT(decode_info(&frame, &info, &info_storage), ==, 0);
	PT_EXPECT_STR(info.file, ==, "t/my file.c");
	PT_EXPECT_INT(info.line, ==, 42);
	PT_EXPECT_STR(info.tags, ==, "db slow");
	PT_EXPECT_STR(info.locks, ==, "port-8080");
	PT_EXPECT_INT(info.exclusive, ==, 1);
	PT_EXPECT_INT(info.weight, ==, 3);
	pt__buf_release(&frame);
}

PT_TEST(protocol, test_info_carries_a_tests_own_retries_and_never)
{
	static struct pt__test_info_storage info_storage;
	struct pt__buf frame = PT__BUF_INIT;
	struct pt__test_info info;
	const char too_many[] = "retries 101\n";

	pt__protocol_encode_test_info(&frame, &(struct pt__test_info){.retries = 2});
	PT_ASSERT_INT(decode_info(&frame, &info, &info_storage), ==, 0);
	PT_EXPECT_INT(info.retries, ==, 2);
	pt__buf_reset(&frame);
	pt__protocol_encode_test_info(&frame, &(struct pt__test_info){.retries = -1});
	PT_EXPECT_INT(frame.len, >, 0);
	PT_ASSERT_INT(decode_info(&frame, &info, &info_storage), ==, 0);
	PT_EXPECT_INT(info.retries, ==, -1);
	pt__buf_reset(&frame);
	pt__protocol_encode_test_info(&frame, &(struct pt__test_info){.line = 3});
	PT_ASSERT_INT(decode_info(&frame, &info, &info_storage), ==, 0);
	PT_EXPECT_INT(info.retries, ==, 0);
	pt__buf_reset(&err);
	PT_EXPECT_INT(pt__protocol_decode_test_info(too_many, strlen(too_many), &info,
						    &info_storage, &err),
		      ==, PT__EPROTOCOL);
	pt__buf_release(&frame);
}

PT_TEST(protocol, test_info_leaves_out_what_is_not_given_or_would_break_a_line)
{
	static struct pt__test_info_storage info_storage;
	struct pt__buf frame = PT__BUF_INIT;
	struct pt__test_info info;

	pt__protocol_encode_test_info(&frame,
				      &(struct pt__test_info){.file = "a\nline 1", .line = 7});
	PT_ASSERT_INT(decode_info(&frame, &info, &info_storage), ==, 0);
	PT_EXPECT_NULL(info.file);
	PT_EXPECT_INT(info.line, ==, 7);
	PT_EXPECT_NULL(info.tags);
	PT_EXPECT_INT(info.weight, ==, 0);
	pt__buf_release(&frame);
}

PT_TEST(protocol, test_info_ignores_unknown_keys_and_rejects_bad_numbers)
{
	static struct pt__test_info_storage info_storage;
	struct pt__test_info info;
	const char known[] = "colour blue\ntags x\n";
	const char bad[] = "weight heavy\n";

	pt__buf_reset(&err);
	PT_ASSERT_INT(
		pt__protocol_decode_test_info(known, strlen(known), &info, &info_storage, &err), ==,
		0);
	PT_EXPECT_STR(info.tags, ==, "x");
	PT_ASSERT_INT(pt__protocol_decode_test_info(bad, strlen(bad), &info, &info_storage, &err),
		      ==, PT__EPROTOCOL);
	PT_EXPECT_STR(err.data, ==, "\"test-info\" with a bad weight \"heavy\"");
}

PT_TEST(protocol, an_env_frame_carries_the_next_tests_variables)
{
	static const char vars[] = "DATABASE_URL=sqlite:/tmp/c_2.db\0PARTEST_DB_DEFAULT_URL=x=y";
	struct pt__buf wire = PT__BUF_INIT;
	size_t used;

	pt__protocol_encode_command(&wire, &(struct pt__command){.type = PT__COMMAND_ENV,
								 .payload = vars,
								 .payload_len = sizeof(vars)});
	PT_ASSERT_INT(decode_command(wire.data, wire.len, &used), ==, 1);
	PT_EXPECT_INT(command.type, ==, PT__COMMAND_ENV);
	PT_EXPECT_SIZE(used, ==, wire.len);
	PT_ASSERT_SIZE(command.payload_len, ==, sizeof(vars));
	PT_ASSERT_INT(pt__protocol_set_env(command.payload, command.payload_len), ==, 0);
	PT_EXPECT_STR(getenv("DATABASE_URL"), ==, "sqlite:/tmp/c_2.db");
	PT_EXPECT_STR(getenv("PARTEST_DB_DEFAULT_URL"), ==, "x=y");
	pt__buf_release(&wire);
}

PT_TEST(protocol, an_env_entry_without_a_name_is_refused)
{
	PT_EXPECT_INT(pt__protocol_set_env("=1", 3), ==, -1);
	PT_EXPECT_INT(pt__protocol_set_env("NAME", 5), ==, -1);
	PT_EXPECT_INT(decode_command("env x\n", 6, &(size_t){0}), ==, PT__EPROTOCOL);
}
