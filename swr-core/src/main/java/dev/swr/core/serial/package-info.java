/**
 * Serialization of entries for byte stores such as Redis: a versioned binary envelope around a
 * pluggable payload format, optional compression, and an allow-list of the classes that untyped
 * entries may name. Java serialization is never used.
 */
package dev.swr.core.serial;
