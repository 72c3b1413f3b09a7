package dev.containerrunner.plugin.execution;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class RedactorTest {

    private static final String CANARY = "canary-7f3a9c1e";

    private static Redactor of(String... nameValue) {
        Map<String, byte[]> values = new LinkedHashMap<>();
        for (int i = 0; i < nameValue.length; i += 2) {
            values.put(nameValue[i], nameValue[i + 1].getBytes(StandardCharsets.UTF_8));
        }
        return Redactor.of(values);
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** Feeds {@code chunks} through one stream and returns everything passed on. */
    private static String streamed(Redactor r, String... chunks) {
        Redactor.Stream s = r.stream();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (String c : chunks) {
            out.writeBytes(s.accept(utf8(c)));
        }
        out.writeBytes(s.finish());
        return out.toString(StandardCharsets.UTF_8);
    }

    @Test
    void aValueIsReplacedWherever_itOccurs() {
        Redactor r = of("token", CANARY);
        assertEquals("x=*** and ***.", r.redact("x=" + CANARY + " and " + CANARY + "."));
        assertEquals("***", r.redact(CANARY));
    }

    @Test
    void textWithoutAValueIsReturnedAsTheSameInstance() {
        Redactor r = of("token", CANARY);
        String text = "nothing secret here";
        assertSame(text, r.redact(text));
        byte[] bytes = utf8(text);
        assertSame(bytes, r.redact(bytes));
        assertSame(text, Redactor.none().redact(text));
    }

    @Test
    void valuesShorterThanFourCharactersAreNotRedacted() {
        Redactor r = of("short", "abc", "four", "wxyz");
        assertEquals("abc ***", r.redact("abc wxyz"));
        assertTrue(of("short", "abc").isEmpty());
        // characters, not bytes: two 2-byte characters are still too short
        assertTrue(of("accents", "\u00e9\u00e9\u00e9").isEmpty());
        assertFalse(of("accents", "\u00e9\u00e9\u00e9\u00e9").isEmpty());
    }

    @Test
    void aValueSplitAcrossTwoReadsIsFound() {
        Redactor r = of("token", CANARY);
        assertEquals("before *** after\n", streamed(r, "before cana", "ry-7f3a9c1e after\n"));
        // one byte at a time
        String text = "a " + CANARY + " b\n";
        String[] bytes = text.split("");
        assertEquals("a *** b\n", streamed(r, bytes));
    }

    @Test
    void onlyBytesThatMayStartAValueAreHeldBack() {
        Redactor r = of("token", CANARY);
        Redactor.Stream s = r.stream();
        assertEquals("progress 50%\n", new String(s.accept(utf8("progress 50%\n")), StandardCharsets.UTF_8),
                "a line that is no beginning of a value is passed on at once");
        assertEquals("line ", new String(s.accept(utf8("line cana")), StandardCharsets.UTF_8));
        assertEquals("cana", new String(s.finish(), StandardCharsets.UTF_8), "a part of a value that never completes is passed on at the end");
        assertFalse(s.redacted());
    }

    @Test
    void theBase64OfAValueIsReplacedInEveryAlignmentAndAlphabet() {
        byte[] value = utf8("s3cr3t?>?>-value~~");
        Redactor r = Redactor.of(Map.of("token", value));
        assertEquals("***", r.redact(Base64.getEncoder().encodeToString(value)), "its own encoding, padding included");
        assertEquals("***", r.redact(Base64.getUrlEncoder().encodeToString(value)));
        for (int before = 0; before < 3; before++) {
            for (Base64.Encoder enc : List.of(Base64.getEncoder(), Base64.getUrlEncoder())) {
                byte[] framed = new byte[before + value.length + 5];
                for (int i = 0; i < framed.length; i++) {
                    framed[i] = (byte) (0x41 + i);
                }
                System.arraycopy(value, 0, framed, before, value.length);
                String encoded = enc.encodeToString(framed);
                String out = r.redact(encoded);
                assertTrue(out.contains("***"), before + ": " + out);
                for (byte[] form : SecretForms.of(value)) {
                    assertFalse(out.contains(new String(form, StandardCharsets.ISO_8859_1)), "no form left in " + out);
                }
            }
        }
    }

    @Test
    void overlappingAndAdjacentValuesBecomeOneMark() {
        Redactor r = of("one", "abcdef", "two", "defghi");
        assertEquals("[***]", r.redact("[abcdefghi]"));
        assertEquals("[***]", r.redact("[abcdefabcdef]"));
        assertEquals("x *** y", streamed(r, "x abcd", "efgh", "i y"));
    }

    @Test
    void aValueContainedInAnotherIsCoveredByTheLonger() {
        Redactor r = of("inner", "pass", "outer", "password123");
        assertEquals("=***=", r.redact("=password123="));
        assertEquals("=***word=", r.redact("=password="));
    }

    @Test
    void bytesThatAreNotUtf8AreRedactedAtTheByteLevel() {
        byte[] value = {(byte) 0xff, 0x00, 0x41, (byte) 0x80, 0x42};
        Redactor r = Redactor.of(Map.of("bin", value));
        byte[] stream = {(byte) 0xfe, (byte) 0xff, 0x00, 0x41, (byte) 0x80, 0x42, (byte) 0xc3};
        assertArrayEquals(new byte[] {(byte) 0xfe, '*', '*', '*', (byte) 0xc3}, r.redact(stream));
    }

    @Test
    void secretInNamesTheSecretOfABinaryFile() {
        Redactor r = of("api_token", CANARY, "db_password", "hunter2hunter2");
        byte[] bin = new byte[64];
        System.arraycopy(utf8("hunter2hunter2"), 0, bin, 20, 14);
        assertEquals(Optional.of("db_password"), r.secretIn(bin));
        assertEquals(Optional.of("api_token"), r.secretIn(utf8("zz" + Base64.getEncoder().encodeToString(utf8(CANARY)))));
        assertEquals(Optional.empty(), r.secretIn(new byte[100]));
    }

    @Test
    void clearForgetsTheValues() {
        Redactor r = of("token", CANARY);
        r.clear();
        assertEquals(CANARY, r.redact(CANARY));
    }

    @Test
    void aStreamSaysWhetherItRedacted() {
        Redactor r = of("token", CANARY);
        Redactor.Stream s = r.stream();
        s.accept(utf8("x " + CANARY));
        s.finish();
        assertTrue(s.redacted());
    }
}
