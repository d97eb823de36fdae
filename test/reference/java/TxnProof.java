// The transaction proofs of issue 13, written against Kafka's Java client only (3.9 and 4.x), so
// one program checks any broker: Apache Kafka now, mq's broker by switching the test's target.
// Compiled and run by test/reference/txn-java-proof.test.ts; each mode prints what it saw on
// stdout, one fact per line, and exits 0 when it ran to the end (1 with the exception otherwise).
//
//   produce   BOOTSTRAP TOPIC TXN_ID TXNS PER_TXN  transactions of PER_TXN records; even ones commit, odd ones abort
//   consume   BOOTSTRAP TOPIC ISOLATION            every value up to the end offsets (the LSO for read_committed)
//   fence     BOOTSTRAP TOPIC TXN_ID               a second producer with the same id fences the first
//   transform BOOTSTRAP IN OUT GROUP TXN_ID COUNT  consume-transform-produce with sendOffsetsToTransaction
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

public final class TxnProof {
    private TxnProof() {
    }

    public static void main(String[] args) throws Exception {
        switch (args[0]) {
            case "produce":
                produce(args[1], args[2], args[3], Integer.parseInt(args[4]), Integer.parseInt(args[5]));
                break;
            case "consume":
                consume(args[1], args[2], args[3]);
                break;
            case "fence":
                fence(args[1], args[2], args[3]);
                break;
            case "transform":
                transform(args[1], args[2], args[3], args[4], args[5], Integer.parseInt(args[6]));
                break;
            default:
                throw new IllegalArgumentException("unknown mode " + args[0]);
        }
    }

    static KafkaProducer<String, String> producer(String bootstrap, String txnId) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, txnId);
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, "60000");
        return new KafkaProducer<>(p);
    }

    static KafkaConsumer<String, String> consumer(String bootstrap, String isolation, String group) {
        Properties c = new Properties();
        c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, isolation);
        c.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        c.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        if (group != null) c.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        return new KafkaConsumer<>(c);
    }

    static void produce(String bootstrap, String topic, String txnId, int txns, int perTxn) {
        int committed = 0;
        int aborted = 0;
        try (KafkaProducer<String, String> producer = producer(bootstrap, txnId)) {
            producer.initTransactions();
            for (int t = 0; t < txns; t++) {
                producer.beginTransaction();
                for (int i = 0; i < perTxn; i++) {
                    String v = "t" + t + "-" + i;
                    producer.send(new ProducerRecord<>(topic, "k" + i, v));
                }
                if (t % 2 == 0) {
                    producer.commitTransaction();
                    committed += perTxn;
                } else {
                    // Written first, so the aborted records are in the log (abortTransaction
                    // drops batches not yet sent) and read_uncommitted has something to see.
                    producer.flush();
                    producer.abortTransaction();
                    aborted += perTxn;
                }
            }
        }
        System.out.println("committed " + committed);
        System.out.println("aborted " + aborted);
    }

    /** Reads every partition from the beginning to the end offsets this isolation level sees, and prints partition:value lines. */
    static void consume(String bootstrap, String topic, String isolation) {
        try (KafkaConsumer<String, String> consumer = consumer(bootstrap, isolation, null)) {
            List<TopicPartition> parts = new ArrayList<>();
            for (PartitionInfo p : consumer.partitionsFor(topic)) parts.add(new TopicPartition(topic, p.partition()));
            consumer.assign(parts);
            consumer.seekToBeginning(parts);
            Map<TopicPartition, Long> end = consumer.endOffsets(parts);
            long deadline = System.currentTimeMillis() + 60_000;
            List<String> lines = new ArrayList<>();
            while (true) {
                boolean done = true;
                for (TopicPartition tp : parts) if (consumer.position(tp) < end.get(tp)) done = false;
                if (done) break;
                if (System.currentTimeMillis() > deadline) throw new IllegalStateException("did not reach the end offsets " + end);
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(500))) lines.add(r.partition() + ":" + r.value());
            }
            for (String l : lines) System.out.println(l);
            long total = 0;
            for (long e : end.values()) total += e;
            System.out.println("end offsets " + total);
        }
    }

    static void fence(String bootstrap, String topic, String txnId) {
        KafkaProducer<String, String> first = producer(bootstrap, txnId);
        first.initTransactions();
        first.beginTransaction();
        first.send(new ProducerRecord<>(topic, "zombie"));
        first.flush();
        try (KafkaProducer<String, String> second = producer(bootstrap, txnId)) {
            second.initTransactions();
            second.beginTransaction();
            second.send(new ProducerRecord<>(topic, "second"));
            second.commitTransaction();
            System.out.println("second committed");
        }
        try {
            first.send(new ProducerRecord<>(topic, "zombie-2"));
            first.commitTransaction();
            System.out.println("first committed (not fenced)");
        } catch (KafkaException e) {
            Throwable cause = e;
            while (cause.getCause() != null && !(cause instanceof org.apache.kafka.common.errors.ProducerFencedException)
                && !(cause instanceof org.apache.kafka.common.errors.InvalidProducerEpochException)) {
                cause = cause.getCause();
            }
            System.out.println("first fenced: " + cause.getClass().getName());
        } finally {
            first.close(Duration.ZERO);
        }
    }

    /** Reads IN with read_committed in group GROUP, writes each value upper-cased to OUT, the offsets in the same transaction. */
    static void transform(String bootstrap, String in, String out, String group, String txnId, int count) {
        int processed = 0;
        int transactions = 0;
        try (KafkaConsumer<String, String> consumer = consumer(bootstrap, "read_committed", group);
             KafkaProducer<String, String> producer = producer(bootstrap, txnId)) {
            producer.initTransactions();
            consumer.subscribe(Collections.singletonList(in));
            long deadline = System.currentTimeMillis() + 90_000;
            while (processed < count) {
                if (System.currentTimeMillis() > deadline) throw new IllegalStateException("processed only " + processed);
                ConsumerRecords<String, String> records = consumer.poll(Duration.ofMillis(500));
                if (records.isEmpty()) continue;
                producer.beginTransaction();
                Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
                for (ConsumerRecord<String, String> r : records) {
                    producer.send(new ProducerRecord<>(out, r.key(), r.value().toUpperCase()));
                    offsets.put(new TopicPartition(r.topic(), r.partition()), new OffsetAndMetadata(r.offset() + 1));
                    processed++;
                }
                producer.sendOffsetsToTransaction(offsets, consumer.groupMetadata());
                producer.commitTransaction();
                transactions++;
            }
        }
        System.out.println("processed " + processed);
        System.out.println("transactions " + (transactions > 0 ? "some" : "none"));
    }
}
