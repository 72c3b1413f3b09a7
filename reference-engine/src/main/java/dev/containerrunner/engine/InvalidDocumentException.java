package dev.containerrunner.engine;

/**
 * A workflow or configuration file that cannot be read as one strict JSON/YAML document (not
 * UTF-8, a syntax error, a duplicate key, a YAML alias, a number out of range...). The message
 * names the file, the line and column where known, and the key or value at fault.
 */
public class InvalidDocumentException extends WorkflowDefinitionException {

    private static final long serialVersionUID = 1L;

    private final int line;
    private final int column;

    public InvalidDocumentException(String message, int line, int column, Throwable cause) {
        super(message, cause);
        this.line = line;
        this.column = column;
    }

    /** The 1-based line of the problem, or -1 when it has none (e.g. the file cannot be read). */
    public int line() {
        return line;
    }

    /** The 1-based column of the problem, or -1. */
    public int column() {
        return column;
    }
}
