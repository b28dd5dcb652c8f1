/*
 * mock-cluster: a line-driven launcher around librdkafka's mock cluster, so
 * `herald dev` and the tests get a real multi-broker Kafka-protocol cluster on
 * loopback with fault injection, without a JVM or containers.
 *
 * Usage: mock-cluster [--brokers N] [--debug]
 *
 * Prints "BOOTSTRAP host:port,..." once the brokers listen, then answers every
 * stdin command with exactly one line: "ok", "ok <value>" or "error <text>".
 * Commands (broker ids start at 1; error codes are Kafka protocol codes, or
 * librdkafka's negative internal codes such as -195 = _TRANSPORT, which makes
 * the mock broker drop the connection on that request):
 *
 *   topic <name> <partitions> [<replication>]
 *                                            leader of partition p: broker p % N + 1
 *   down <brokerId> | up <brokerId>          (-1 = all brokers)
 *   rtt <brokerId> <ms>
 *   leader <topic> <partition> <brokerId>    (-1 = leader-less)
 *   errors <apiKey> <code>...                cluster-wide, for the next requests
 *   clear-errors <apiKey>                    drops cluster-wide pushed errors
 *   broker-errors <brokerId> <apiKey> <code>[:<rttMs>]...
 *   errcount <brokerId> <apiKey>             -> "ok <n>" broker errors not yet hit
 *   topic-error <topic> <code>
 *   coordinator <group|transaction> <key> <brokerId>
 *   apiversion <apiKey> <min> <max>
 *   ping | quit
 *
 * stdin EOF means the driving process is gone: tear down and exit 0, so a
 * crashed or killed `herald dev` or test run never leaves brokers behind.
 */
#define _POSIX_C_SOURCE 200809L

#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>

#define MAX_ARGS 64

static int debug_enabled = 0;
static long broker_cnt   = 3;

/* librdkafka logs its own (empty) client's complaints, such as the missing
 * bootstrap.servers; keep stderr for real problems unless --debug. */
static void log_cb(const rd_kafka_t *rk, int level, const char *fac,
                   const char *buf) {
        (void)rk;
        if (debug_enabled || level <= 3)
                fprintf(stderr, "rdkafka %d %s: %s\n", level, fac, buf);
}

/* librdkafka 2.0.x's mock thread serves its op queue before draining the
 * queue's wake-up pipe, so an op enqueued right after the previous one was
 * served can lose its wake-up and sit until the thread's 1 s poll timeout.
 * Leaving a short gap after each op lets the thread drain the pipe first;
 * without it, "topic" (one op per partition) took up to 3 s. */
#define OP_GAP_NS 2000000L
static struct timespec last_op_done;

static void op_gap(void) {
        struct timespec now, wait;
        long elapsed;
        clock_gettime(CLOCK_MONOTONIC, &now);
        elapsed = (now.tv_sec - last_op_done.tv_sec) * 1000000000L +
                  (now.tv_nsec - last_op_done.tv_nsec);
        if (elapsed >= 0 && elapsed < OP_GAP_NS) {
                wait.tv_sec  = 0;
                wait.tv_nsec = OP_GAP_NS - elapsed;
                nanosleep(&wait, NULL);
        }
}

static void op_done(void) {
        clock_gettime(CLOCK_MONOTONIC, &last_op_done);
}

/* Mock calls that are queued to the mock thread go through OP()/OPV(). */
static rd_kafka_resp_err_t op_result;
#define OP(call) (op_gap(), op_result = (call), op_done(), op_result)
#define OPV(call) (op_gap(), (call), op_done())

static void reply(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void reply(const char *fmt, ...) {
        va_list ap;
        va_start(ap, fmt);
        vfprintf(stdout, fmt, ap);
        va_end(ap);
        fputc('\n', stdout);
        /* The reader is a pipe: without a flush the test would wait forever. */
        if (fflush(stdout) != 0)
                exit(0); /* reader is gone */
}

static void reply_err(rd_kafka_resp_err_t err) {
        if (err)
                reply("error %s: %s", rd_kafka_err2name(err),
                      rd_kafka_err2str(err));
        else
                reply("ok");
}

static int parse_long(const char *s, long min, long max, long *out) {
        char *end;
        long v;
        if (!s || !*s)
                return -1;
        errno = 0;
        v     = strtol(s, &end, 10);
        if (errno || *end || v < min || v > max)
                return -1;
        *out = v;
        return 0;
}

#define ARG_LONG(idx, min, max, var)                                           \
        do {                                                                   \
                if (parse_long(argv[idx], (min), (max), &(var)) == -1) {       \
                        reply("error bad argument %d: '%s'", (idx),            \
                              argv[idx] ? argv[idx] : "");                     \
                        return;                                                \
                }                                                              \
        } while (0)

#define NEED_ARGS(lo, hi, usage)                                               \
        do {                                                                   \
                if (argc < (lo) || argc > (hi)) {                              \
                        reply("error usage: %s", usage);                       \
                        return;                                                \
                }                                                              \
        } while (0)

static void handle(rd_kafka_mock_cluster_t *mc, int argc, char **argv,
                   int *quit) {
        const char *cmd = argv[0];
        rd_kafka_resp_err_t err;
        long a, b, c;

        if (!strcmp(cmd, "ping")) {
                reply("ok");

        } else if (!strcmp(cmd, "quit")) {
                *quit = 1;
                reply("ok");

        } else if (!strcmp(cmd, "topic")) {
                NEED_ARGS(3, 4, "topic <name> <partitions> [<replication>]");
                ARG_LONG(2, 1, 100000, a);
                b = 1;
                if (argc == 4)
                        ARG_LONG(3, 1, 1000, b);
                err = OP(rd_kafka_mock_topic_create(mc, argv[1], (int)a, (int)b));
                /* The mock picks each leader at random; tests that target
                 * "the leader of partition p" need a fixed, balanced layout. */
                for (c = 0; !err && c < a; c++)
                        err = OP(rd_kafka_mock_partition_set_leader(
                            mc, argv[1], (int32_t)c,
                            (int32_t)(c % broker_cnt) + 1));
                reply_err(err);

        } else if (!strcmp(cmd, "down") || !strcmp(cmd, "up")) {
                NEED_ARGS(2, 2, "down|up <brokerId>");
                ARG_LONG(1, -1, INT32_MAX, a);
                reply_err(!strcmp(cmd, "down")
                              ? OP(rd_kafka_mock_broker_set_down(mc, (int32_t)a))
                              : OP(rd_kafka_mock_broker_set_up(mc, (int32_t)a)));

        } else if (!strcmp(cmd, "rtt")) {
                NEED_ARGS(3, 3, "rtt <brokerId> <ms>");
                ARG_LONG(1, -1, INT32_MAX, a);
                ARG_LONG(2, 0, INT_MAX, b);
                reply_err(OP(rd_kafka_mock_broker_set_rtt(mc, (int32_t)a, (int)b)));

        } else if (!strcmp(cmd, "leader")) {
                NEED_ARGS(4, 4, "leader <topic> <partition> <brokerId>");
                ARG_LONG(2, 0, INT32_MAX, a);
                ARG_LONG(3, -1, INT32_MAX, b);
                reply_err(OP(rd_kafka_mock_partition_set_leader(
                    mc, argv[1], (int32_t)a, (int32_t)b)));

        } else if (!strcmp(cmd, "errors")) {
                rd_kafka_resp_err_t errs[MAX_ARGS];
                int i;
                NEED_ARGS(3, MAX_ARGS, "errors <apiKey> <code>...");
                ARG_LONG(1, 0, INT16_MAX, a);
                for (i = 2; i < argc; i++) {
                        ARG_LONG(i, INT16_MIN, INT16_MAX, b);
                        errs[i - 2] = (rd_kafka_resp_err_t)b;
                }
                rd_kafka_mock_push_request_errors_array(
                    mc, (int16_t)a, (size_t)(argc - 2), errs);
                reply("ok");

        } else if (!strcmp(cmd, "clear-errors")) {
                NEED_ARGS(2, 2, "clear-errors <apiKey>");
                ARG_LONG(1, 0, INT16_MAX, a);
                rd_kafka_mock_clear_request_errors(mc, (int16_t)a);
                reply("ok");

        } else if (!strcmp(cmd, "broker-errors")) {
                int i;
                NEED_ARGS(4, MAX_ARGS,
                          "broker-errors <brokerId> <apiKey> "
                          "<code>[:<rttMs>]...");
                ARG_LONG(1, 0, INT32_MAX, a);
                ARG_LONG(2, 0, INT16_MAX, b);
                /* Validate everything first so a typo pushes nothing. */
                for (i = 3; i < argc; i++) {
                        char buf[64], *colon;
                        long code, rtt = 0;
                        snprintf(buf, sizeof(buf), "%s", argv[i]);
                        colon = strchr(buf, ':');
                        if (colon)
                                *colon = '\0';
                        if (parse_long(buf, INT16_MIN, INT16_MAX, &code) ||
                            (colon &&
                             parse_long(colon + 1, 0, INT_MAX, &rtt))) {
                                reply("error bad error spec '%s'", argv[i]);
                                return;
                        }
                }
                /* The API is variadic only; pushing one entry at a time keeps
                 * the order (the stack is consumed first-pushed-first). */
                for (i = 3; i < argc; i++) {
                        char *colon = strchr(argv[i], ':');
                        long code, rtt = 0;
                        if (colon) {
                                *colon = '\0';
                                parse_long(colon + 1, 0, INT_MAX, &rtt);
                        }
                        parse_long(argv[i], INT16_MIN, INT16_MAX, &code);
                        err = rd_kafka_mock_broker_push_request_error_rtts(
                            mc, (int32_t)a, (int16_t)b, 1,
                            (rd_kafka_resp_err_t)code, (int)rtt);
                        if (err) {
                                reply_err(err);
                                return;
                        }
                }
                reply("ok");

        } else if (!strcmp(cmd, "errcount")) {
                size_t cnt = 0;
                NEED_ARGS(3, 3, "errcount <brokerId> <apiKey>");
                ARG_LONG(1, 0, INT32_MAX, a);
                ARG_LONG(2, 0, INT16_MAX, b);
                err = rd_kafka_mock_broker_error_stack_cnt(mc, (int32_t)a,
                                                           (int16_t)b, &cnt);
                if (err)
                        reply_err(err);
                else
                        reply("ok %zu", cnt);

        } else if (!strcmp(cmd, "topic-error")) {
                NEED_ARGS(3, 3, "topic-error <topic> <code>");
                ARG_LONG(2, INT16_MIN, INT16_MAX, a);
                OPV(rd_kafka_mock_topic_set_error(mc, argv[1],
                                                  (rd_kafka_resp_err_t)a));
                reply("ok");

        } else if (!strcmp(cmd, "coordinator")) {
                NEED_ARGS(4, 4,
                          "coordinator <group|transaction> <key> <brokerId>");
                ARG_LONG(3, -1, INT32_MAX, a);
                reply_err(OP(rd_kafka_mock_coordinator_set(mc, argv[1], argv[2],
                                                           (int32_t)a)));

        } else if (!strcmp(cmd, "apiversion")) {
                NEED_ARGS(4, 4, "apiversion <apiKey> <min> <max>");
                ARG_LONG(1, 0, INT16_MAX, a);
                ARG_LONG(2, -1, INT16_MAX, b);
                ARG_LONG(3, -1, INT16_MAX, c);
                reply_err(OP(rd_kafka_mock_set_apiversion(
                    mc, (int16_t)a, (int16_t)b, (int16_t)c)));

        } else {
                reply("error unknown command '%s'", cmd);
        }
}

int main(int argc, char **argv) {
        char errstr[512];
        rd_kafka_conf_t *conf;
        rd_kafka_t *rk;
        rd_kafka_mock_cluster_t *mc;
        char *line = NULL;
        size_t cap = 0;
        ssize_t len;
        int i, quit = 0;

        for (i = 1; i < argc; i++) {
                if (!strcmp(argv[i], "--brokers") && i + 1 < argc) {
                        if (parse_long(argv[++i], 1, 64, &broker_cnt)) {
                                fprintf(stderr,
                                        "mock-cluster: --brokers must be "
                                        "1..64\n");
                                return 2;
                        }
                } else if (!strcmp(argv[i], "--debug")) {
                        debug_enabled = 1;
                } else {
                        fprintf(stderr,
                                "usage: mock-cluster [--brokers N] "
                                "[--debug]\n");
                        return 2;
                }
        }

        /* A failed write to a vanished reader must end us via the fflush
         * check, not kill us with a signal mid-teardown. */
        signal(SIGPIPE, SIG_IGN);

        conf = rd_kafka_conf_new();
        rd_kafka_conf_set_log_cb(conf, log_cb);
        if (debug_enabled &&
            rd_kafka_conf_set(conf, "debug", "mock,broker,protocol", errstr,
                              sizeof(errstr)) != RD_KAFKA_CONF_OK)
                fprintf(stderr, "mock-cluster: %s\n", errstr);

        /* The mock cluster needs a client instance for its bookkeeping; this
         * one never connects anywhere. */
        rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, errstr, sizeof(errstr));
        if (!rk) {
                fprintf(stderr, "mock-cluster: rd_kafka_new: %s\n", errstr);
                return 1;
        }

        mc = rd_kafka_mock_cluster_new(rk, (int)broker_cnt);
        if (!mc) {
                fprintf(stderr, "mock-cluster: failed to create cluster\n");
                rd_kafka_destroy(rk);
                return 1;
        }

        reply("BOOTSTRAP %s", rd_kafka_mock_cluster_bootstraps(mc));

        while (!quit && (len = getline(&line, &cap, stdin)) != -1) {
                char *args[MAX_ARGS + 1];
                char *save = NULL, *tok;
                int n = 0;

                for (tok = strtok_r(line, " \t\r\n", &save); tok;
                     tok = strtok_r(NULL, " \t\r\n", &save)) {
                        if (n == MAX_ARGS)
                                break;
                        args[n++] = tok;
                }
                args[n] = NULL;
                if (n == 0) {
                        reply("error empty command");
                        continue;
                }
                if (n == MAX_ARGS && tok) {
                        reply("error too many arguments");
                        continue;
                }
                handle(mc, n, args, &quit);
        }
        free(line);

        /* Teardown joins librdkafka threads; never let a wedged one keep
         * the process (and its ports) alive. */
        alarm(10);
        rd_kafka_mock_cluster_destroy(mc);
        rd_kafka_destroy(rk);
        return 0;
}
