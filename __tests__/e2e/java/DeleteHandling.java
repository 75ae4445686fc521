import io.debezium.data.Envelope;
import io.debezium.transforms.ExtractNewRecordState;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.source.SourceRecord;

/** Applies ExtractNewRecordState, configured by key=value args, to a Debezium delete event and its tombstone. */
public final class DeleteHandling {
    public static void main(String[] args) {
        Map<String, String> config = new HashMap<>();
        for (String a : args) config.put(a.substring(0, a.indexOf('=')), a.substring(a.indexOf('=') + 1));
        Schema row = SchemaBuilder.struct().name("p.public.business_events.Value").field("id", Schema.STRING_SCHEMA).field("event_type", Schema.OPTIONAL_STRING_SCHEMA).build();
        Schema source = SchemaBuilder.struct().name("io.debezium.connector.postgresql.Source").field("table", Schema.STRING_SCHEMA).field("ts_ms", Schema.INT64_SCHEMA).build();
        Envelope envelope = Envelope.defineSchema().withName("p.public.business_events.Envelope").withRecord(row).withSource(source).build();
        Struct before = new Struct(row).put("id", "row-1").put("event_type", "LoanCreated");
        Struct src = new Struct(source).put("table", "business_events").put("ts_ms", 1L);
        Struct delete = envelope.delete(before, src, Instant.ofEpochMilli(2L));
        Schema key = SchemaBuilder.struct().name("p.public.business_events.Key").field("id", Schema.STRING_SCHEMA).build();
        Struct keyValue = new Struct(key).put("id", "row-1");
        ExtractNewRecordState<SourceRecord> smt = new ExtractNewRecordState<>();
        smt.configure(config);
        SourceRecord[] in = {
            new SourceRecord(Map.of(), Map.of(), "t", 0, key, keyValue, envelope.schema(), delete),
            new SourceRecord(Map.of(), Map.of(), "t", 0, key, keyValue, null, null),
        };
        for (SourceRecord r : in) {
            SourceRecord out = smt.apply(r);
            System.out.println(out == null ? "DROPPED" : out.value() == null ? "TOMBSTONE" : "ROW " + out.value());
        }
    }
}
