package dev.swr.core.serial;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class TypeAllowListTests {

	private final TypeAllowList allowList = TypeAllowList.of("com.acme");

	@Test
	void prefixAllowsClassesOfThePackageAndItsSubpackages() {
		assertThat(this.allowList.isAllowed("com.acme.Product")).isTrue();
		assertThat(this.allowList.isAllowed("com.acme.sub.X")).isTrue();
		assertThat(this.allowList.isAllowed("com.acme.Outer$Inner")).isTrue();
	}

	@Test
	void prefixDoesNotAllowAPackageThatMerelyStartsWithTheSameLetters() {
		assertThat(this.allowList.isAllowed("com.acmeevil.X")).isFalse();
		assertThat(this.allowList.isAllowed("com.acme_evil.X")).isFalse();
		assertThat(this.allowList.isAllowed("com.acme$X")).isFalse();
		assertThat(this.allowList.isAllowed("com.X")).isFalse();
	}

	@Test
	void prefixMayNameASingleClassExactly() {
		TypeAllowList exact = TypeAllowList.of("com.acme.Product");
		assertThat(exact.isAllowed("com.acme.Product")).isTrue();
		assertThat(exact.isAllowed("com.acme.ProductEvil")).isFalse();
		assertThat(exact.isAllowed("com.acme.Other")).isFalse();
	}

	@ParameterizedTest
	@ValueSource(strings = { "java.lang.String", "java.lang.Integer", "java.lang.Long", "java.lang.Boolean",
			"java.lang.Double", "java.math.BigDecimal", "java.math.BigInteger", "java.time.Instant",
			"java.time.LocalDate", "java.time.Duration", "java.time.ZonedDateTime", "java.util.ArrayList",
			"java.util.LinkedList", "java.util.HashMap", "java.util.LinkedHashMap", "java.util.TreeMap",
			"java.util.HashSet", "java.util.LinkedHashSet", "java.util.TreeSet" })
	void jdkValueTypesAreAlwaysAllowed(String className) {
		assertThat(TypeAllowList.jdkValueTypes().isAllowed(className)).isTrue();
		assertThat(this.allowList.isAllowed(className)).isTrue();
	}

	@ParameterizedTest
	@ValueSource(strings = { "java.lang.Object", "java.lang.Runtime", "java.lang.ProcessBuilder", "java.net.URL",
			"java.util.ImmutableCollections$ListN", "javax.naming.InitialContext", "java.util.PriorityQueue" })
	void otherJdkTypesAreRefused(String className) {
		assertThat(this.allowList.isAllowed(className)).isFalse();
	}

	@ParameterizedTest
	@ValueSource(strings = { "[B", "[Lcom.acme.Product;", "[[Ljava.lang.String;", "", "com.acme.", ".com.acme.X",
			"com..acme.X", "com.acme.*", "com.acme.1X", "com.acme.X/0x1234", "com.acme.X;", "com/acme/X",
			"com.acme.X ", " com.acme.X" })
	void arrayAndMalformedNamesAreRefused(String className) {
		assertThat(this.allowList.isAllowed(className)).isFalse();
	}

	@Test
	void nullNameIsRefused() {
		assertThat(this.allowList.isAllowed(null)).isFalse();
	}

	@Test
	void overlongNameIsRefused() {
		assertThat(this.allowList.isAllowed("com.acme." + "X".repeat(2000))).isFalse();
	}

	@ParameterizedTest
	@ValueSource(strings = { "", "com.acme.", "com.acme.*", ".com", "com..acme", "[Lcom.acme", "com acme" })
	void malformedPrefixIsRejectedAtConstructionNamingIt(String prefix) {
		assertThatIllegalArgumentException().isThrownBy(() -> TypeAllowList.of("com.good", prefix))
			.withMessageContaining("'" + prefix + "'");
	}

	@Test
	void nullPrefixIsRejectedAtConstruction() {
		assertThatIllegalArgumentException().isThrownBy(() -> TypeAllowList.of("com.good", null))
			.withMessageContaining("'null'");
		assertThatIllegalArgumentException().isThrownBy(() -> TypeAllowList.of((List<String>) null))
			.withMessageContaining("prefixes");
	}

	@Test
	void prefixesAreKeptAsGiven() {
		assertThat(TypeAllowList.of(List.of("com.acme", "org.example")).prefixes())
			.containsExactly("com.acme", "org.example");
	}

}
