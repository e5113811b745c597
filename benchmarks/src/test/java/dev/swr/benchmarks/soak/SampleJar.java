package dev.swr.benchmarks.soak;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/** The sample app's jar, as the reactor built it before this module. */
final class SampleJar {

	private SampleJar() {
	}

	static File find() throws Exception {
		Path target = Path.of("..", "sample-app", "target");
		try (Stream<Path> files = Files.exists(target) ? Files.list(target) : Stream.empty()) {
			return files.map(Path::toFile)
				.filter((file) -> file.getName().matches("sample-app-.*\\.jar") && !file.getName().contains("plain"))
				.findFirst()
				.orElseThrow(() -> new IllegalStateException("No sample app jar in " + target.toAbsolutePath()
						+ ": build the reactor (./mvnw -B verify) or the sample first"));
		}
	}

}
