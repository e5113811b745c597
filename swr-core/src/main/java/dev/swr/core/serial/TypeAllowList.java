package dev.swr.core.serial;

import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Set;

import org.jspecify.annotations.Nullable;

/**
 * The classes an untyped entry may name. Stored bytes are not trusted, so a class name read from
 * them is checked here <em>before</em> the class is loaded: a refused class is never loaded nor
 * initialized.
 * <p>
 * Entries are package prefixes: {@code com.acme} allows {@code com.acme.Product} and
 * {@code com.acme.sub.Item} but not {@code com.acmeevil.Item}. An entry may also name a single
 * class exactly. A fixed set of JDK value types and collections is always allowed: {@code String},
 * the boxed primitives, {@code BigDecimal}, {@code BigInteger}, the {@code java.time} value types,
 * and {@code ArrayList}, {@code LinkedList}, {@code HashMap}, {@code LinkedHashMap},
 * {@code TreeMap}, {@code HashSet}, {@code LinkedHashSet} and {@code TreeSet}. Array classes are
 * never allowed.
 * <p>
 * Immutable and thread-safe.
 */
public final class TypeAllowList {

	/** JDK types that only carry data and whose reading has no side effects. */
	private static final Set<String> JDK_VALUE_TYPES = Set.of(
			"java.lang.String", "java.lang.Boolean", "java.lang.Character", "java.lang.Byte", "java.lang.Short",
			"java.lang.Integer", "java.lang.Long", "java.lang.Float", "java.lang.Double",
			"java.math.BigDecimal", "java.math.BigInteger",
			"java.time.Instant", "java.time.Duration", "java.time.Period", "java.time.LocalDate",
			"java.time.LocalTime", "java.time.LocalDateTime", "java.time.OffsetTime", "java.time.OffsetDateTime",
			"java.time.ZonedDateTime", "java.time.Year", "java.time.YearMonth", "java.time.MonthDay",
			"java.time.ZoneOffset", "java.time.DayOfWeek", "java.time.Month",
			"java.util.ArrayList", "java.util.LinkedList", "java.util.HashMap", "java.util.LinkedHashMap",
			"java.util.TreeMap", "java.util.HashSet", "java.util.LinkedHashSet", "java.util.TreeSet");

	// Longer names are not plausible class names; refusing them bounds the work done on forged input.
	private static final int MAX_NAME_LENGTH = 1024;

	private static final TypeAllowList JDK_ONLY = new TypeAllowList(List.of());

	private final List<String> prefixes;

	private TypeAllowList(List<String> prefixes) {
		this.prefixes = prefixes;
	}

	/**
	 * An allow-list of the JDK value types and the given package prefixes.
	 * @param prefixes package prefixes such as {@code com.acme.catalog}, or exact class names
	 * @return the allow-list
	 * @throws IllegalArgumentException if a prefix is null, empty or not a dotted Java name, naming it
	 */
	public static TypeAllowList of(String... prefixes) {
		if (prefixes == null) {
			throw new IllegalArgumentException("'prefixes' must not be null");
		}
		return of(Arrays.asList(prefixes));
	}

	/**
	 * An allow-list of the JDK value types and the given package prefixes.
	 * @param prefixes package prefixes such as {@code com.acme.catalog}, or exact class names
	 * @return the allow-list
	 * @throws IllegalArgumentException if a prefix is null, empty or not a dotted Java name, naming it
	 */
	public static TypeAllowList of(Collection<String> prefixes) {
		if (prefixes == null) {
			throw new IllegalArgumentException("'prefixes' must not be null");
		}
		if (prefixes.isEmpty()) {
			return JDK_ONLY;
		}
		for (String prefix : prefixes) {
			if (!isDottedJavaName(prefix)) {
				throw new IllegalArgumentException("Type allow-list entry '" + prefix + "' is not a package prefix: "
						+ "use a dotted Java name such as 'com.acme.catalog', without wildcards or a trailing dot");
			}
		}
		return new TypeAllowList(List.copyOf(prefixes));
	}

	/** An allow-list of the JDK value types only. */
	public static TypeAllowList jdkValueTypes() {
		return JDK_ONLY;
	}

	/**
	 * Whether a class of this name may be loaded from an untyped entry. Looks at the name only.
	 * @param className a binary class name such as {@code com.acme.Product} or {@code com.acme.Outer$Inner}
	 * @return {@code false} for array names, malformed names, and names outside the list
	 */
	public boolean isAllowed(@Nullable String className) {
		if (className == null || !isDottedJavaName(className)) {
			return false;
		}
		if (JDK_VALUE_TYPES.contains(className)) {
			return true;
		}
		for (String prefix : this.prefixes) {
			// The dot after the prefix keeps com.acme from allowing com.acmeevil.
			if (className.equals(prefix)
					|| (className.length() > prefix.length() && className.startsWith(prefix)
							&& className.charAt(prefix.length()) == '.')) {
				return true;
			}
		}
		return false;
	}

	/** The package prefixes given at construction, without the always allowed JDK types. */
	public List<String> prefixes() {
		return this.prefixes;
	}

	@Override
	public String toString() {
		return "TypeAllowList" + this.prefixes;
	}

	/**
	 * Whether {@code name} is one or more Java identifiers separated by single dots. Rules out array
	 * names ({@code [Lcom.acme.X;}), empty segments, wildcards and the {@code /} of hidden classes.
	 */
	static boolean isDottedJavaName(@Nullable String name) {
		if (name == null || name.isEmpty() || name.length() > MAX_NAME_LENGTH) {
			return false;
		}
		boolean segmentStart = true;
		for (int i = 0; i < name.length(); i++) {
			char c = name.charAt(i);
			if (segmentStart) {
				if (!Character.isJavaIdentifierStart(c)) {
					return false;
				}
				segmentStart = false;
			}
			else if (c == '.') {
				segmentStart = true;
			}
			else if (!Character.isJavaIdentifierPart(c) || Character.isIdentifierIgnorable(c)) {
				return false;
			}
		}
		return !segmentStart;
	}

}
