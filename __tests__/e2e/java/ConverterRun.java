import cdcrouting.local.JsonSchemaRegistryConverter;
import io.debezium.data.Envelope;
import io.debezium.data.Json;
import io.debezium.transforms.ExtractNewRecordState;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.errors.DataException;
import org.apache.kafka.connect.source.SourceRecord;

/**
 * Debezium's business_events change events (create, update, delete), flattened by ExtractNewRecordState configured
 * with the `flatten.<key>=<value>` args, through the local JSON Schema converter configured with the
 * `converter.<key>=<value>` args. Prints the derived schema text once (SCHEMA), then per event its bytes (BYTES) or
 * the converter's error (ERROR). Without a converter.schema.registry.url only the schema is printed.
 */
public final class ConverterRun {
    public static void main(String[] args) {
        Map<String, String> flatten = new HashMap<>();
        Map<String, String> converter = new HashMap<>();
        String prefix = "cdc-routing-dev";
        for (String a : args) {
            String key = a.substring(0, a.indexOf('='));
            String value = a.substring(a.indexOf('=') + 1);
            if (key.startsWith("flatten.")) flatten.put(key.substring("flatten.".length()), value);
            else if (key.startsWith("converter.")) converter.put(key.substring("converter.".length()), value);
            else if (key.equals("prefix")) prefix = value;
        }
        // The table as local/sql/business_events.sql creates it, as Debezium's Postgres connector describes it.
        Schema row = SchemaBuilder.struct().name(prefix + ".public.business_events.Value").optional()
            .field("id", Schema.STRING_SCHEMA)
            .field("event_name", Schema.OPTIONAL_STRING_SCHEMA)
            .field("event_type", Schema.OPTIONAL_STRING_SCHEMA)
            .field("created_date", Schema.OPTIONAL_STRING_SCHEMA)
            .field("saved_date", Schema.OPTIONAL_STRING_SCHEMA)
            .field("event_data", Json.builder().optional().build())
            .build();
        Schema source = SchemaBuilder.struct().name("io.debezium.connector.postgresql.Source")
            .field("table", Schema.STRING_SCHEMA).field("ts_ms", Schema.INT64_SCHEMA).build();
        Envelope envelope = Envelope.defineSchema().withName(prefix + ".public.business_events.Envelope")
            .withRecord(row).withSource(source).build();
        Struct before = new Struct(row).put("id", "row-1").put("event_type", "LoanCreated").put("event_data", "{\"a\":1}");
        Struct after = new Struct(row).put("id", "row-1").put("event_type", "LoanUpdated").put("event_data", "{\"a\":2}");
        Struct src = new Struct(source).put("table", "business_events").put("ts_ms", 1L);
        Instant at = Instant.ofEpochMilli(2L);
        Struct[] events = { envelope.create(before, src, at), envelope.update(before, after, src, at), envelope.delete(after, src, at) };

        ExtractNewRecordState<SourceRecord> smt = new ExtractNewRecordState<>();
        smt.configure(flatten);
        JsonSchemaRegistryConverter values = null;
        if (converter.containsKey("schema.registry.url")) {
            values = new JsonSchemaRegistryConverter();
            values.configure(converter, false);
        }
        boolean printed = false;
        for (Struct event : events) {
            SourceRecord out = smt.apply(new SourceRecord(Map.of(), Map.of(), "raw-business-events", 0, null, null, envelope.schema(), event));
            if (!printed) {
                boolean open = !"false".equals(converter.get("object.additional.properties"));
                System.out.println("SCHEMA " + JsonSchemaRegistryConverter.canonicalText(out.valueSchema(), open));
                printed = true;
            }
            if (values == null) continue;
            try {
                byte[] bytes = values.fromConnectData(out.topic(), out.valueSchema(), out.value());
                System.out.println("BYTES " + new String(bytes, StandardCharsets.UTF_8));
            } catch (DataException e) {
                System.out.println("ERROR " + e.getMessage());
            }
        }
    }
}
