/* shim.h — librdkafka's C API (Debian's librdkafka-dev) for Swift, with the one call Swift cannot make. */
#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>

/* rd_kafka_producev is variadic, which Swift cannot call: one produce with every part a record can carry.
 * `headers` (may be NULL) is owned by librdkafka when the call succeeds, and stays the caller's when it
 * fails. The value and key are copied (RD_KAFKA_MSG_F_COPY). */
static inline rd_kafka_resp_err_t rivulet_kafka_produce(
    rd_kafka_t *rk, const char *topic, int32_t partition, const void *key, size_t key_len, const void *value,
    size_t value_len, rd_kafka_headers_t *headers, int64_t timestamp, void *opaque) {
    if (headers != NULL) {
        return rd_kafka_producev(
            rk, RD_KAFKA_V_TOPIC(topic), RD_KAFKA_V_PARTITION(partition), RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY),
            RD_KAFKA_V_KEY(key, key_len), RD_KAFKA_V_VALUE((void *)value, value_len), RD_KAFKA_V_HEADERS(headers),
            RD_KAFKA_V_TIMESTAMP(timestamp), RD_KAFKA_V_OPAQUE(opaque), RD_KAFKA_V_END);
    }
    return rd_kafka_producev(
        rk, RD_KAFKA_V_TOPIC(topic), RD_KAFKA_V_PARTITION(partition), RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY),
        RD_KAFKA_V_KEY(key, key_len), RD_KAFKA_V_VALUE((void *)value, value_len), RD_KAFKA_V_TIMESTAMP(timestamp),
        RD_KAFKA_V_OPAQUE(opaque), RD_KAFKA_V_END);
}

/* rd_kafka_mock_broker_push_request_error_rtts is variadic too: delays broker `broker_id`'s next answer to
 * requests of `api_key` by `rtt_ms` (answered without error), for tests of a slow group coordinator. */
static inline rd_kafka_resp_err_t rivulet_kafka_mock_delay_answer(
    rd_kafka_mock_cluster_t *mcluster, int32_t broker_id, int16_t api_key, int rtt_ms) {
    return rd_kafka_mock_broker_push_request_error_rtts(mcluster, broker_id, api_key, 1, RD_KAFKA_RESP_ERR_NO_ERROR, rtt_ms);
}
