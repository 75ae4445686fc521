package cdcrouting.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.connect.data.Field;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaAndValue;
import org.apache.kafka.connect.errors.DataException;
import org.apache.kafka.connect.json.JsonConverter;
import org.apache.kafka.connect.storage.Converter;
import org.everit.json.schema.BooleanSchema;
import org.everit.json.schema.CombinedSchema;
import org.everit.json.schema.NullSchema;
import org.everit.json.schema.NumberSchema;
import org.everit.json.schema.ObjectSchema;
import org.everit.json.schema.StringSchema;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The local stand-in for Confluent's io.confluent.connect.json.JsonSchemaConverter, which is not on Maven Central.
 * What it registers is what Confluent's registers for these Connect types: the same derivation from the Connect
 * schema (confluentinc/schema-registry @ 794611bd86d, json-schema-converter/.../JsonSchemaData.java
 * rawSchemaFromConnectSchema), built with the same everit-json-schema 1.14.6 objects and re-emitted through Jackson as
 * Schema Registry's JsonSchema.canonicalString does, so the text (key order included) is the library's, not a copy.
 * It registers `<topic>-value` (TopicNameStrategy) through the Schema Registry REST API with auto-register semantics
 * (POST /subjects/{subject}/versions: the same schema answers its id, a new one is checked for compatibility), caches
 * the id per Connect schema, and fails the record with the registry's error (a 409 fails the task, as Confluent's).
 *
 * Unlike Confluent's, the bytes are plain JSON without the magic byte and schema id (docs/local.md says why).
 * Types it does not model (bytes, arrays, maps, unions, defaults, parameters) are refused with the field named.
 */
public final class JsonSchemaRegistryConverter implements Converter {
    private static final Logger LOG = LoggerFactory.getLogger(JsonSchemaRegistryConverter.class);
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final JsonConverter json = new JsonConverter();
    private final Map<Schema, Integer> ids = new ConcurrentHashMap<>();
    private HttpClient http;
    private String registryUrl;
    private String authorization;
    private boolean additionalProperties;
    private boolean isKey;

    @Override
    public void configure(Map<String, ?> configs, boolean isKey) {
        this.isKey = isKey;
        registryUrl = required(configs, "schema.registry.url").replaceAll("/+$", "");
        String userInfo = (String) configs.get("basic.auth.user.info");
        if (userInfo != null) {
            if (!"USER_INFO".equals(configs.get("basic.auth.credentials.source")))
                throw new ConfigException("basic.auth.user.info needs basic.auth.credentials.source=USER_INFO");
            authorization = "Basic " + Base64.getEncoder().encodeToString(userInfo.getBytes(StandardCharsets.UTF_8));
        }
        additionalProperties = bool(configs, "object.additional.properties", true);
        if (!bool(configs, "auto.register.schemas", true))
            throw new ConfigException("auto.register.schemas=false is not implemented by the local converter");
        http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
        Map<String, Object> jsonConfig = new HashMap<>();
        jsonConfig.put("schemas.enable", "false");
        json.configure(jsonConfig, isKey);
    }

    private static String required(Map<String, ?> configs, String name) {
        Object value = configs.get(name);
        if (value == null || value.toString().isEmpty()) throw new ConfigException(name + " is required");
        return value.toString();
    }

    private static boolean bool(Map<String, ?> configs, String name, boolean defaultValue) {
        Object value = configs.get(name);
        return value == null ? defaultValue : Boolean.parseBoolean(value.toString());
    }

    @Override
    public byte[] fromConnectData(String topic, Schema schema, Object value) {
        if (schema == null && value == null) return null;
        if (schema == null) throw new DataException("a JSON Schema value needs a Connect schema (topic " + topic + ")");
        ids.computeIfAbsent(
            schema, s -> register(topic + (isKey ? "-key" : "-value"), canonicalText(s, additionalProperties)));
        return value == null ? null : json.fromConnectData(topic, schema, value);
    }

    @Override
    public SchemaAndValue toConnectData(String topic, byte[] value) {
        return json.toConnectData(topic, value);
    }

    /**
     * Schema Registry's canonical text of the derived schema: everit's toString re-emitted by Jackson.
     * `additionalProperties` is the converter's object.additional.properties.
     */
    public static String canonicalText(Schema schema, boolean additionalProperties) {
        try {
            return MAPPER.writeValueAsString(MAPPER.readTree(jsonSchema(schema, null, additionalProperties).toString()));
        } catch (java.io.IOException e) {
            throw new DataException("could not re-emit the derived JSON Schema", e);
        }
    }

    /** The converter's JSON Schema of one Connect schema; `index` is its field position in a struct. */
    private static org.everit.json.schema.Schema jsonSchema(Schema schema, Integer index, boolean additionalProps) {
        org.everit.json.schema.Schema.Builder<?> builder;
        // A HashMap, as JsonSchemaData's: everit writes these keywords in its iteration order.
        Map<String, Object> keywords = new HashMap<>();
        switch (schema.type()) {
            case INT8, INT16, INT32, INT64 -> {
                builder = NumberSchema.builder().requiresInteger(true);
                keywords.put("connect.type", schema.type().getName());
            }
            case FLOAT32, FLOAT64 -> {
                builder = NumberSchema.builder().requiresInteger(false);
                keywords.put("connect.type", schema.type().getName());
            }
            case BOOLEAN -> builder = BooleanSchema.builder();
            case STRING -> builder = StringSchema.builder();
            case STRUCT -> {
                if (schema.isOptional()) {
                    builder = optional(jsonSchema(required(schema), null, additionalProps));
                    break;
                }
                ObjectSchema.Builder object = ObjectSchema.builder();
                for (Field field : schema.fields())
                    object.addPropertySchema(field.name(), jsonSchema(field.schema(), field.index(), additionalProps));
                if (!additionalProps) object.additionalProperties(false);
                builder = object;
            }
            default -> throw new DataException("Connect type " + schema.type() + " is not modelled by the local converter");
        }
        if (schema.defaultValue() != null || (schema.parameters() != null && !schema.parameters().isEmpty()))
            throw new DataException("Connect defaults and parameters are not modelled by the local converter (schema "
                + schema.name() + ")");
        if (!(builder instanceof CombinedSchema.Builder)) {
            if (schema.name() != null) builder.title(schema.name());
            if (schema.version() != null) keywords.put("connect.version", schema.version());
            if (schema.doc() != null) builder.description(schema.doc());
            if (schema.isOptional()) {
                builder = optional(builder.unprocessedProperties(keywords).build());
                keywords = new HashMap<>();
            }
        }
        if (index != null) keywords.put("connect.index", index);
        return builder.unprocessedProperties(keywords).build();
    }

    private static CombinedSchema.Builder optional(org.everit.json.schema.Schema schema) {
        return CombinedSchema.builder().criterion(CombinedSchema.ONE_CRITERION).subschema(NullSchema.INSTANCE).subschema(schema);
    }

    private static Schema required(Schema struct) {
        org.apache.kafka.connect.data.SchemaBuilder builder = org.apache.kafka.connect.data.SchemaBuilder.struct();
        if (struct.name() != null) builder.name(struct.name());
        if (struct.version() != null) builder.version(struct.version());
        if (struct.doc() != null) builder.doc(struct.doc());
        for (Field field : struct.fields()) builder.field(field.name(), field.schema());
        return builder.build();
    }

    /** POST /subjects/{subject}/versions; the registry's id, or the record fails with the registry's error. */
    private Integer register(String subject, String schemaText) {
        ObjectNode body = MAPPER.createObjectNode().put("schemaType", "JSON").put("schema", schemaText);
        String url = registryUrl + "/subjects/" + URLEncoder.encode(subject, StandardCharsets.UTF_8) + "/versions";
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url))
            .timeout(Duration.ofSeconds(30))
            .header("Content-Type", "application/vnd.schemaregistry.v1+json")
            .POST(HttpRequest.BodyPublishers.ofString(body.toString()));
        if (authorization != null) request.header("Authorization", authorization);
        HttpResponse<String> response;
        try {
            response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (java.io.IOException e) {
            throw new DataException("Schema Registry at " + registryUrl + " could not be reached: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DataException("interrupted while registering the schema of " + subject, e);
        }
        JsonNode answer = parse(response.body());
        if (response.statusCode() != 200 || answer == null || !answer.has("id")) {
            String message = answer != null && answer.has("message") ? answer.get("message").asText() : response.body();
            String code = answer != null && answer.has("error_code") ? answer.get("error_code").asText() : "none";
            throw new DataException("Error registering JSON schema under subject " + subject + ": " + message
                + "; error code: " + code + " (HTTP " + response.statusCode() + ")");
        }
        int id = answer.get("id").asInt();
        LOG.info("registered the value schema of subject {}: schema id {}", subject, id);
        return id;
    }

    private static JsonNode parse(String text) {
        try {
            return MAPPER.readTree(text);
        } catch (java.io.IOException e) {
            return null;
        }
    }

    public void close() {
        json.close();
    }
}
