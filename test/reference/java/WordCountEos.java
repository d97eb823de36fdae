// Kafka Streams WordCount with processing.guarantee=exactly_once_v2 (Kafka Streams 4.x), the proof
// issue 13 asks for: LINES lines go to the input topic, the app counts words (through a
// repartition topic and a changelogged store, both written in its transactions), and a
// read_committed consumer of the output must end with exactly the counts computed here, none
// ever above them. Prints "exact <words> words <lines> lines" and exits 0, or the first wrong
// count and exits 1. Run by test/reference/txn-streams.test.ts.
//
//   WordCountEos BOOTSTRAP IN OUT APPLICATION_ID STATE_DIR LINES          all in one: setup, run, verify
//   WordCountEos setup  BOOTSTRAP IN OUT LINES                           topics and input lines
//   WordCountEos run    BOOTSTRAP IN OUT APPLICATION_ID STATE_DIR        the app until killed ("running" once RUNNING)
//   WordCountEos verify BOOTSTRAP OUT GROUP LINES                        the read_committed check
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.LongDeserializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.kstream.Grouped;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.state.Stores;

public final class WordCountEos {
    private WordCountEos() {
    }

    static final String[] VOCABULARY = new String[50];

    static {
        for (int i = 0; i < VOCABULARY.length; i++) VOCABULARY[i] = "w" + i;
    }

    /** Line i: 1 to 5 words of the vocabulary, picked deterministically. */
    static List<String> words(int i) {
        List<String> out = new ArrayList<>();
        for (int j = 0; j <= i % 5; j++) out.add(VOCABULARY[(i * 7 + j * 13) % VOCABULARY.length]);
        return out;
    }

    public static void main(String[] args) throws Exception {
        switch (args[0]) {
            case "setup":
                setup(args[1], args[2], args[3], Integer.parseInt(args[4]));
                return;
            case "run":
                try (KafkaStreams streams = streams(args[1], args[2], args[3], args[4], args[5])) {
                    streams.setStateListener((now, before) -> {
                        if (now == KafkaStreams.State.RUNNING) System.out.println("running");
                    });
                    streams.start();
                    while (streams.state() != KafkaStreams.State.ERROR && streams.state() != KafkaStreams.State.NOT_RUNNING) Thread.sleep(200);
                    System.out.println("streams stopped in state " + streams.state());
                }
                System.exit(1);
                return;
            case "verify":
                System.exit(verify(args[1], args[2], args[3], Integer.parseInt(args[4]), null) ? 0 : 1);
                return;
            default:
                String bootstrap = args[0];
                int lines = Integer.parseInt(args[5]);
                setup(bootstrap, args[1], args[2], lines);
                boolean exact;
                try (KafkaStreams streams = streams(bootstrap, args[1], args[2], args[3], args[4])) {
                    streams.start();
                    exact = verify(bootstrap, args[2], args[3] + "-verify", lines, streams);
                    streams.close(Duration.ofSeconds(30));
                }
                System.exit(exact ? 0 : 1);
        }
    }

    static Map<String, Long> expected(int lines) {
        Map<String, Long> expected = new HashMap<>();
        for (int i = 0; i < lines; i++) for (String w : words(i)) expected.merge(w, 1L, Long::sum);
        return expected;
    }

    static void setup(String bootstrap, String in, String out, int lines) throws Exception {
        Properties common = new Properties();
        common.put("bootstrap.servers", bootstrap);
        try (Admin admin = Admin.create(common)) {
            admin.createTopics(Arrays.asList(new NewTopic(in, 2, (short) 1), new NewTopic(out, 2, (short) 1))).all().get();
        }
        Properties pp = new Properties();
        pp.putAll(common);
        pp.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        pp.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(pp)) {
            for (int i = 0; i < lines; i++) producer.send(new ProducerRecord<>(in, "line-" + i, String.join(" ", words(i))));
        }
        System.out.println("setup " + lines + " lines");
    }

    static KafkaStreams streams(String bootstrap, String in, String out, String appId, String stateDir) {
        Properties sp = new Properties();
        sp.put("bootstrap.servers", bootstrap);
        sp.put(StreamsConfig.APPLICATION_ID_CONFIG, appId);
        sp.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        sp.put(StreamsConfig.STATE_DIR_CONFIG, stateDir);
        sp.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, "100");
        sp.put(StreamsConfig.REPLICATION_FACTOR_CONFIG, "1");
        sp.put(StreamsConfig.DEFAULT_KEY_SERDE_CLASS_CONFIG, Serdes.String().getClass().getName());
        sp.put(StreamsConfig.DEFAULT_VALUE_SERDE_CLASS_CONFIG, Serdes.String().getClass().getName());
        sp.put(StreamsConfig.consumerPrefix(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG), "earliest");
        StreamsBuilder builder = new StreamsBuilder();
        KStream<String, String> text = builder.stream(in);
        text.flatMapValues(v -> Arrays.asList(v.split(" ")))
            .groupBy((k, w) -> w, Grouped.with(Serdes.String(), Serdes.String()))
            .count(Materialized.<String, Long>as(Stores.inMemoryKeyValueStore("counts"))
                .withKeySerde(Serdes.String()).withValueSerde(Serdes.Long()))
            .toStream()
            .to(out, Produced.with(Serdes.String(), Serdes.Long()));
        KafkaStreams streams = new KafkaStreams(builder.build(), sp);
        streams.setUncaughtExceptionHandler(e -> {
            e.printStackTrace();
            return org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
        });
        return streams;
    }

    /** Reads OUT with read_committed until every word's latest count is the truth; false (with the reason printed) otherwise. */
    static boolean verify(String bootstrap, String out, String group, int lines, KafkaStreams streams) {
        Map<String, Long> expected = expected(lines);
        Properties cp = new Properties();
        cp.put("bootstrap.servers", bootstrap);
        cp.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        cp.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        cp.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        cp.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        cp.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, LongDeserializer.class.getName());
        Map<String, Long> latest = new HashMap<>();
        try (KafkaConsumer<String, Long> consumer = new KafkaConsumer<>(cp)) {
            consumer.subscribe(Collections.singletonList(out));
            long deadline = System.currentTimeMillis() + 150_000;
            while (!latest.equals(expected)) {
                if (streams != null && (streams.state() == KafkaStreams.State.ERROR || streams.state() == KafkaStreams.State.NOT_RUNNING)) {
                    System.out.println("streams stopped in state " + streams.state());
                    return false;
                }
                if (System.currentTimeMillis() > deadline) {
                    System.out.println("timed out; first wrong count: " + diff(latest, expected));
                    return false;
                }
                for (ConsumerRecord<String, Long> r : consumer.poll(Duration.ofMillis(500))) {
                    Long want = expected.get(r.key());
                    if (want == null || r.value() > want) {
                        System.out.println("count above the truth: " + r.key() + "=" + r.value() + " (expected " + want + ")");
                        return false;
                    }
                    latest.put(r.key(), r.value());
                }
            }
        }
        System.out.println("exact " + expected.size() + " words " + lines + " lines");
        return true;
    }

    static String diff(Map<String, Long> got, Map<String, Long> want) {
        for (Map.Entry<String, Long> e : want.entrySet()) {
            if (!e.getValue().equals(got.get(e.getKey()))) return e.getKey() + "=" + got.get(e.getKey()) + " (expected " + e.getValue() + ")";
        }
        return "none";
    }
}
