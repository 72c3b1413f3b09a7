package dev.containerrunner.engine;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.ObjectCodec;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.io.IOContext;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactoryBuilder;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import java.io.ByteArrayInputStream;
import java.io.CharArrayReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.events.AliasEvent;
import org.yaml.snakeyaml.events.CollectionStartEvent;
import org.yaml.snakeyaml.events.DocumentStartEvent;
import org.yaml.snakeyaml.events.Event;
import org.yaml.snakeyaml.events.NodeEvent;
import org.yaml.snakeyaml.events.ScalarEvent;

/**
 * A {@link YAMLFactory} whose parsers refuse the YAML features the engine does not honour, instead
 * of reading them as something else. Jackson reads an alias {@code *name} as the string
 * {@code name}, drops anchors and tags, and reads every document of a stream; these parsers
 * refuse, with the line and column:
 * <ul>
 *   <li>aliases and anchors ({@code *name}, {@code &name}): refused rather than resolved, which
 *       also rules out alias bombs (billion laughs);</li>
 *   <li>explicit tags except {@code !!str} ({@code !!binary}, {@code !!float}, {@code !custom}...);</li>
 *   <li>a second document ({@code ---} after the first one);</li>
 *   <li>unquoted numbers not written as JSON writes them ({@code 0x10}, {@code 1_000}, {@code +1},
 *       {@code .inf}, more than 1000 digits...: see {@link YamlNumbers}).</li>
 * </ul>
 * Duplicate keys are refused through {@link StreamReadFeature#STRICT_DUPLICATE_DETECTION}, and the
 * YAML 1.1 words {@code yes/no/on/off/y/n} stay strings; the booleans are YAML 1.2 core's
 * {@code true/True/TRUE} and {@code false/False/FALSE}.
 */
final class StrictYamlFactory extends YAMLFactory {

    private static final long serialVersionUID = 1L;
    /** The one explicit tag accepted: it only says "this scalar is a string", as quotes do. */
    static final String STRING_TAG = "tag:yaml.org,2002:str";

    StrictYamlFactory(int maxCodePoints, StreamReadConstraints limits) {
        super(builder(maxCodePoints).streamReadConstraints(limits));
    }

    private static YAMLFactoryBuilder builder(int maxCodePoints) {
        LoaderOptions options = new LoaderOptions();
        options.setCodePointLimit(maxCodePoints);
        return YAMLFactory.builder().loaderOptions(options)
                .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                .enable(YAMLParser.Feature.PARSE_BOOLEAN_LIKE_WORDS_AS_STRINGS);
    }

    @Override
    protected YAMLParser _createParser(Reader r, IOContext ctxt) {
        return new StrictParser(ctxt, _parserFeatures, _yamlParserFeatures, _loaderOptions, _objectCodec, r);
    }

    @Override
    protected YAMLParser _createParser(InputStream in, IOContext ctxt) {
        return _createParser(new InputStreamReader(in, StandardCharsets.UTF_8.newDecoder()), ctxt); // malformed: an error
    }

    @Override
    protected YAMLParser _createParser(char[] data, int offset, int len, IOContext ctxt, boolean recyclable) {
        return _createParser(new CharArrayReader(data, offset, len), ctxt);
    }

    @Override
    protected YAMLParser _createParser(byte[] data, int offset, int len, IOContext ctxt) {
        return _createParser(new ByteArrayInputStream(data, offset, len), ctxt);
    }

    /** Checks every YAML event before Jackson turns it into tokens. */
    static final class StrictParser extends YAMLParser {

        private int documents;
        /** Whether the last scalar read was plain: unquoted and untagged (only those can be numbers). */
        private boolean plainScalar;

        StrictParser(IOContext ctxt, int parserFeatures, int formatFeatures, LoaderOptions options, ObjectCodec codec,
                     Reader reader) {
            super(ctxt, parserFeatures, formatFeatures, options, codec, reader);
        }

        @Override
        protected Event getEvent() throws IOException {
            Event event = super.getEvent();
            if (event instanceof DocumentStartEvent && ++documents > 1) {
                throw refused(event, "a second YAML document ('---') is not supported: a file holds exactly one document");
            }
            if (event instanceof AliasEvent alias) {
                throw refused(event, "YAML alias '*" + alias.getAnchor() + "' is not supported (anchors and aliases are"
                        + " refused): write the value out");
            }
            if (event instanceof NodeEvent node && node.getAnchor() != null) {
                throw refused(event, "YAML anchor '&" + node.getAnchor() + "' is not supported (anchors and aliases are"
                        + " refused): write the value out");
            }
            String tag = event instanceof ScalarEvent s ? s.getTag()
                    : event instanceof CollectionStartEvent c ? c.getTag() : null;
            if (tag != null && !STRING_TAG.equals(tag)) {
                throw refused(event, "YAML tag '" + tag + "' is not supported; only !!str is (or quote the value)");
            }
            if (event instanceof ScalarEvent s) {
                plainScalar = s.isPlain() && s.getTag() == null;
            }
            return event;
        }

        @Override
        public JsonToken nextToken() throws IOException {
            JsonToken token = super.nextToken();
            if (plainScalar && token != null && token.isScalarValue()) {
                String problem = YamlNumbers.problem(getText(), token);
                if (problem != null) {
                    throw new JsonParseException(this, problem, currentTokenLocation());
                }
            }
            return token;
        }

        private JsonParseException refused(Event event, String message) {
            return new JsonParseException(this, message, _locationFor(event.getStartMark()));
        }
    }
}
