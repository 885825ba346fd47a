// WindowCheck: the same windows in Apache Flink, to compare Rivulet's results with Flink's record for record.
//
// Reads a CSV of `ts,key,value` lines (epoch ms, string, integer; no header), assigns event time from ts
// with a watermark emitted after every event, and counts and sums `value` per key in tumbling, hopping
// (SlidingEventTimeWindows) or session windows, with an optional allowed lateness. Writes
// `key,window_start,window_end,count,sum` per firing (with lateness, a window fires again for each late
// record it still accepts) and the late records (side output) as their input lines. Built and run by check.sh.
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.apache.flink.api.common.eventtime.Watermark;
import org.apache.flink.api.common.eventtime.WatermarkGenerator;
import org.apache.flink.api.common.eventtime.WatermarkOutput;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.java.tuple.Tuple3;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.datastream.WindowedStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.windowing.ProcessWindowFunction;
import org.apache.flink.streaming.api.windowing.assigners.EventTimeSessionWindows;
import org.apache.flink.streaming.api.windowing.assigners.SlidingEventTimeWindows;
import org.apache.flink.streaming.api.windowing.assigners.TumblingEventTimeWindows;
import org.apache.flink.streaming.api.windowing.windows.TimeWindow;
import org.apache.flink.util.CloseableIterator;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

public class WindowCheck {
    /** Flink's BoundedOutOfOrdernessWatermarks(B − 1 ms), i.e. max − B, emitted on every event. */
    static final class PerEventWatermarks implements WatermarkGenerator<Tuple3<Long, String, Long>> {
        private final long bound;
        private long max = Long.MIN_VALUE;

        PerEventWatermarks(long bound) { this.bound = bound; }

        @Override
        public void onEvent(Tuple3<Long, String, Long> event, long timestamp, WatermarkOutput output) {
            max = Math.max(max, timestamp);
            output.emitWatermark(new Watermark(max - bound));
        }

        @Override
        public void onPeriodicEmit(WatermarkOutput output) {}
    }

    static final class CountSum extends ProcessWindowFunction<Tuple3<Long, String, Long>, String, String, TimeWindow> {
        @Override
        public void process(String key, Context context, Iterable<Tuple3<Long, String, Long>> records, Collector<String> out) {
            long count = 0, sum = 0;
            for (Tuple3<Long, String, Long> r : records) {
                count++;
                sum += r.f2;
            }
            out.collect("R," + key + "," + context.window().getStart() + "," + context.window().getEnd() + "," + count + "," + sum);
        }
    }

    public static void main(String[] args) throws Exception {
        String input = args[0], kind = args[1], output = args[5], late = args[6];
        long size = Long.parseLong(args[2]), second = Long.parseLong(args[3]), bound = Long.parseLong(args[4]);
        long lateness = args.length > 7 ? Long.parseLong(args[7]) : 0;
        List<Tuple3<Long, String, Long>> events = new ArrayList<>();
        for (String line : Files.readAllLines(Path.of(input))) {
            if (line.isEmpty()) continue;
            String[] f = line.split(",");
            events.add(Tuple3.of(Long.parseLong(f[0]), f[1], Long.parseLong(f[2])));
        }
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(1);
        DataStream<Tuple3<Long, String, Long>> stream = env.fromData(events)
            .assignTimestampsAndWatermarks(WatermarkStrategy.<Tuple3<Long, String, Long>>forGenerator(ctx -> new PerEventWatermarks(bound))
                .withTimestampAssigner((e, previous) -> e.f0));
        OutputTag<Tuple3<Long, String, Long>> lateTag = new OutputTag<>("late", Types.TUPLE(Types.LONG, Types.STRING, Types.LONG));
        WindowedStream<Tuple3<Long, String, Long>, String, TimeWindow> windowed = switch (kind) {
            case "tumbling" -> stream.keyBy(e -> e.f1).window(TumblingEventTimeWindows.of(Duration.ofMillis(size)));
            case "hopping" -> stream.keyBy(e -> e.f1).window(SlidingEventTimeWindows.of(Duration.ofMillis(size), Duration.ofMillis(second)));
            case "session" -> stream.keyBy(e -> e.f1).window(EventTimeSessionWindows.withGap(Duration.ofMillis(second)));
            default -> throw new IllegalArgumentException("kind: tumbling, hopping or session");
        };
        SingleOutputStreamOperator<String> results = windowed.allowedLateness(Duration.ofMillis(lateness))
            .sideOutputLateData(lateTag).process(new CountSum());
        DataStream<String> lateLines = results.getSideOutput(lateTag).map(e -> "L," + e.f0 + "," + e.f1 + "," + e.f2).returns(Types.STRING);
        List<String> windows = new ArrayList<>(), lateRecords = new ArrayList<>();
        try (CloseableIterator<String> it = results.union(lateLines).executeAndCollect()) {
            while (it.hasNext()) {
                String line = it.next();
                (line.startsWith("R,") ? windows : lateRecords).add(line.substring(2));
            }
        }
        Files.write(Path.of(output), windows);
        Files.write(Path.of(late), lateRecords);
    }
}
