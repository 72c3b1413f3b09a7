package dev.containerrunner.engine;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.util.TokenBuffer;
import java.io.IOException;
import java.io.InputStream;
import java.io.StringReader;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Reads workflow and configuration files strictly: UTF-8 (malformed bytes refused), exactly one
 * JSON or YAML document whose top level is an object, and nothing a lenient reader would turn
 * into something else silently. Refused, with the line, column and key path:
 * <ul>
 *   <li>duplicate keys at any depth ({@link StreamReadFeature#STRICT_DUPLICATE_DETECTION});</li>
 *   <li>content after the document: trailing JSON tokens, a second YAML document;</li>
 *   <li>YAML aliases, anchors, merge keys ({@code <<}) and tags other than {@code !!str}
 *       ({@link StrictYamlFactory});</li>
 *   <li>numbers that would not arrive as written: floats beyond the 64-bit range ({@code 1e400}),
 *       non-zero floats that would become 0 ({@code 1e-400}), and every unquoted YAML number not
 *       written as JSON writes numbers ({@code 017}, {@code 0x10}, {@code 1_000}, {@code +1},
 *       {@code .inf}, more than 1000 digits: {@link YamlNumbers});</li>
 *   <li>keys and strings holding an unpaired UTF-16 surrogate (JSON or YAML {@code "\ud800"}).</li>
 * </ul>
 * Integers of any size arrive exactly (Integer, Long or BigInteger); JSON itself has no NaN.
 */
final class StrictDocuments {

    /** The largest file read (a 100,000-task workflow is about 15 MiB). */
    static final int MAX_FILE_BYTES = 64 << 20;

    /** The two file formats. */
    enum Format {
        JSON, YAML;

        /** YAML for {@code .yaml}/{@code .yml}, JSON otherwise. */
        static Format of(Path file) {
            String name = file.getFileName() == null ? "" : file.getFileName().toString().toLowerCase(Locale.ROOT);
            return name.endsWith(".yaml") || name.endsWith(".yml") ? YAML : JSON;
        }
    }

    /**
     * Jackson's read limits for the engine's documents: a string value may be as long as the largest
     * file (Jackson's default, 20,000,000 characters, refused a ~15 MiB base64 input file); its other
     * defaults are kept (numbers 1000 characters, nesting 1000 levels, keys 50,000 characters).
     */
    static final StreamReadConstraints LIMITS = StreamReadConstraints.builder().maxStringLength(MAX_FILE_BYTES).build();
    static final JsonFactory JSON_FACTORY = JsonFactory.builder().streamReadConstraints(LIMITS)
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();
    static final JsonFactory YAML_FACTORY = new StrictYamlFactory(MAX_FILE_BYTES, LIMITS);
    private static final ObjectMapper TREE = new ObjectMapper(JsonFactory.builder().streamReadConstraints(LIMITS).build());
    private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() {
    };

    private StrictDocuments() {
    }

    /** Reads {@code file}; {@code what} ("workflow file", "configuration file") starts every message. */
    static Map<String, Object> readFile(Path file, String what) {
        String origin = what + " " + file;
        return read(decodeUtf8(readBytes(file, origin), origin), Format.of(file), origin);
    }

    /** Reads one document from {@code text}; {@code origin} starts every message. */
    static Map<String, Object> read(String text, Format format, String origin) {
        JsonFactory factory = format == Format.YAML ? YAML_FACTORY : JSON_FACTORY;
        JsonParser parser;
        try {
            parser = factory.createParser(new StringReader(text));
        } catch (IOException e) {
            throw new InvalidDocumentException(origin + " cannot be parsed: " + e.getMessage(), -1, -1, e);
        }
        try (parser) {
            TokenBuffer copy = copyChecked(parser, format, origin);
            try (JsonParser replay = copy.asParser()) {
                return TREE.readValue(replay, MAP);
            }
        } catch (JsonProcessingException e) { // syntax, duplicate keys, Jackson's limits, StrictYamlFactory's refusals
            JsonLocation at = e.getLocation() != null ? e.getLocation() : parser.currentTokenLocation();
            throw refused(origin, at, parser, e instanceof StreamConstraintsException ? limit(e.getOriginalMessage())
                    : e.getOriginalMessage(), e);
        } catch (IOException e) {
            throw new InvalidDocumentException(origin + " cannot be parsed: " + e.getMessage(), -1, -1, e);
        }
    }

    /** Copies the one top-level object token by token, checking each; then requires the end of input. */
    private static TokenBuffer copyChecked(JsonParser p, Format format, String origin) throws IOException {
        JsonToken token = p.nextToken();
        if (token == null || token == JsonToken.VALUE_NULL) {
            throw new InvalidDocumentException(origin + " is empty", -1, -1, null);
        }
        if (token != JsonToken.START_OBJECT) {
            throw refused(origin, p.currentTokenLocation(), null, "the top level must be an object (keys with values), not "
                    + describe(token), null);
        }
        TokenBuffer copy = new TokenBuffer(p);
        int depth = 0;
        do {
            check(p, token, format, origin);
            copy.copyCurrentEvent(p);
            depth += token.isStructStart() ? 1 : token.isStructEnd() ? -1 : 0;
        } while (depth > 0 && (token = p.nextToken()) != null);
        if (depth > 0 || p.nextToken() != null) {
            throw refused(origin, p.currentTokenLocation(), null, "unexpected content after the end of the document: a file"
                    + " holds exactly one " + format + " document", null);
        }
        return copy;
    }

    private static void check(JsonParser p, JsonToken token, Format format, String origin) throws IOException {
        boolean yaml = format == Format.YAML;
        if (token == JsonToken.FIELD_NAME && yaml && "<<".equals(p.currentName())) {
            throw refused(origin, p.currentTokenLocation(), p, "YAML merge key '<<' is not supported (anchors and aliases"
                    + " are refused): write the keys out", null);
        }
        if (token == JsonToken.FIELD_NAME || token == JsonToken.VALUE_STRING) {
            checkUnicode(p, token, origin);
        }
        if (token == JsonToken.VALUE_NUMBER_FLOAT) {
            checkFloat(p, origin);
        }
        if (token == JsonToken.VALUE_EMBEDDED_OBJECT) {
            throw refused(origin, p.currentTokenLocation(), p, "unsupported value (binary data); use a string", null);
        }
    }

    /** Refuses a key or string holding half a surrogate pair ({@code "\ud800"} escapes): it is not Unicode text. */
    private static void checkUnicode(JsonParser p, JsonToken token, String origin) throws IOException {
        String text = token == JsonToken.FIELD_NAME ? p.currentName() : p.getText();
        int at = UnicodeText.unpairedSurrogate(text);
        if (at >= 0) {
            throw refused(origin, p.currentTokenLocation(), p, (token == JsonToken.FIELD_NAME ? "key" : "string")
                    + " contains an unpaired surrogate " + String.format("\\u%04x", (int) text.charAt(at))
                    + "; strings must be valid Unicode", null);
        }
    }

    private static void checkFloat(JsonParser p, String origin) throws IOException {
        String text = p.getText();
        double value = p.getDoubleValue();
        if (Double.isInfinite(value)) {
            throw refused(origin, p.currentTokenLocation(), p, "number " + text + " is out of range: floating-point numbers"
                    + " are 64-bit, at most about 1.8e308 in magnitude", null);
        }
        String mantissa = text.split("[eE]", 2)[0];
        if (value == 0 && mantissa.chars().anyMatch(c -> c >= '1' && c <= '9')) {
            throw refused(origin, p.currentTokenLocation(), p, "number " + text + " is too small: it would become 0 as a"
                    + " 64-bit floating-point number (the smallest is about 4.9e-324)", null);
        }
    }

    /** A Jackson read limit's refusal in the engine's words, naming the limit. */
    static String limit(String jackson) {
        String m = jackson == null ? "" : jackson;
        if (m.startsWith("String value length")) {
            return "a string value is longer than " + LIMITS.getMaxStringLength() + " characters";
        }
        if (m.startsWith("Number value length")) {
            return "a number is longer than " + LIMITS.getMaxNumberLength() + " characters";
        }
        if (m.startsWith("Document nesting depth")) {
            return "the document nests deeper than " + LIMITS.getMaxNestingDepth() + " levels";
        }
        if (m.startsWith("Name length")) {
            return "a key is longer than " + LIMITS.getMaxNameLength() + " characters";
        }
        if (m.startsWith("Document length")) {
            return "the document is longer than " + LIMITS.getMaxDocumentLength() + " characters";
        }
        return "a read limit is exceeded: " + m;
    }

    private static InvalidDocumentException refused(String origin, JsonLocation location, JsonParser parser,
                                                     String problem, Throwable cause) {
        int line = location == null ? -1 : location.getLineNr();
        int column = location == null ? -1 : location.getColumnNr();
        StringBuilder m = new StringBuilder(origin);
        if (line > 0) {
            m.append(": line ").append(line);
            if (column > 0) {
                m.append(", column ").append(column);
            }
        }
        m.append(": ").append(problem);
        String path = parser == null ? "" : parser.getParsingContext().pathAsPointer().toString();
        if (!path.isEmpty()) {
            m.append(" (at ").append(path).append(')');
        }
        return new InvalidDocumentException(UnicodeText.escapeUnpairedSurrogates(m.toString()), line, column, cause);
    }

    private static String describe(JsonToken token) {
        return switch (token) {
            case START_ARRAY -> "a list";
            case VALUE_STRING -> "a string";
            case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> "a number";
            case VALUE_TRUE, VALUE_FALSE -> "a boolean";
            default -> token.toString();
        };
    }

    private static byte[] readBytes(Path file, String origin) {
        if (Files.isDirectory(file)) {
            throw new InvalidDocumentException(origin + " is a directory, not a file", -1, -1, null);
        }
        if (!Files.exists(file)) {
            throw new InvalidDocumentException(origin + " does not exist", -1, -1, null);
        }
        if (!Files.isRegularFile(file)) {
            throw new InvalidDocumentException(origin + " is not a regular file", -1, -1, null);
        }
        try (InputStream in = Files.newInputStream(file)) {
            byte[] bytes = in.readNBytes(MAX_FILE_BYTES + 1);
            if (bytes.length > MAX_FILE_BYTES) {
                throw new InvalidDocumentException(origin + " is larger than " + (MAX_FILE_BYTES >> 20) + " MiB", -1, -1, null);
            }
            return bytes;
        } catch (NoSuchFileException e) {
            throw new InvalidDocumentException(origin + " does not exist", -1, -1, e);
        } catch (AccessDeniedException e) {
            throw new InvalidDocumentException(origin + " cannot be read: permission denied", -1, -1, e);
        } catch (IOException e) {
            throw new InvalidDocumentException(origin + " cannot be read: " + e, -1, -1, e);
        }
    }

    /** Decodes strictly: a malformed byte is an error naming its line and offset, never a replacement character. */
    static String decodeUtf8(byte[] bytes, String origin) {
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(bytes);
        CharBuffer out = CharBuffer.allocate(bytes.length);
        CoderResult result = decoder.decode(in, out, true);
        if (!result.isError()) {
            result = decoder.flush(out);
        }
        if (result.isError()) {
            int offset = in.position();
            int line = 1;
            for (int i = 0; i < offset; i++) {
                line += bytes[i] == '\n' ? 1 : 0;
            }
            throw new InvalidDocumentException(origin + ": line " + line + ": not valid UTF-8 (byte offset " + offset
                    + "); files are read as UTF-8", line, -1, null);
        }
        String text = out.flip().toString();
        return text.startsWith("\uFEFF") ? text.substring(1) : text; // a byte order mark is allowed
    }
}
