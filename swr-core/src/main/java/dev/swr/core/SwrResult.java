package dev.swr.core;

import org.jspecify.annotations.Nullable;

/**
 * A value together with how it was obtained.
 *
 * @param value the value, {@code null} when a null result was cached or loaded
 * @param status how the read was answered
 * @param <V> the value type
 */
public record SwrResult<V>(@Nullable V value, SwrStatus status) {
}
