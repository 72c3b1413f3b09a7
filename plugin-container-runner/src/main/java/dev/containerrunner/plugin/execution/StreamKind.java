package dev.containerrunner.plugin.execution;

/** Which output stream of a container a chunk of bytes belongs to. */
public enum StreamKind { STDOUT, STDERR }
