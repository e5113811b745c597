package dev.swr.spring.redis;

import java.io.File;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Gives a test class a real Redis ({@link RedisServer}, injected as a parameter), found in this
 * order: {@code SWR_REDIS_URL}; a {@code redis-server} binary on the {@code PATH}, started on a free
 * port for the class and stopped after it; a Testcontainers Redis where Docker runs. With none, the
 * tests are skipped, unless {@code SWR_REQUIRE_REDIS=true} (set by CI), where they fail. Never a mock.
 * <p>
 * A class of fault tests that kill, stop or restart the server says {@code ownServer = true}: it
 * always gets a {@code redis-server} started for it, even when {@code SWR_REDIS_URL} names another,
 * and is never skipped for want of one when Redis is required.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@ExtendWith(RealRedis.Extension.class)
public @interface RealRedis {

	/** Whether the class needs a server of its own that it may kill and restart. */
	boolean ownServer() default false;

	/** Finds or starts the server once per test class. */
	final class Extension implements BeforeAllCallback, ParameterResolver {

		private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(RealRedis.class);

		@Override
		public void beforeAll(ExtensionContext context) throws Exception {
			boolean ownServer = context.getRequiredTestClass().getAnnotation(RealRedis.class).ownServer();
			context.getStore(NAMESPACE).put("server", find(ownServer));
		}

		private static RedisServer find(boolean ownServer) throws Exception {
			String binary = onPath("redis-server");
			Source source = choose(System.getenv("SWR_REDIS_URL"), binary != null, ownServer);
			switch (source) {
				case URL:
					return RedisServer.external(System.getenv("SWR_REDIS_URL"));
				case BINARY:
					return RedisServer.start(binary);
				case CONTAINER:
					RedisServer container = ContainerRedis.startIfDockerRuns();
					if (container != null) {
						return container;
					}
					break;
				default:
					break;
			}
			String reason = ownServer ? "No redis-server binary for fault tests that kill and restart their own server"
					: "No Redis for the tests: set SWR_REDIS_URL, install redis-server, or run Docker";
			if (Boolean.parseBoolean(System.getenv("SWR_REQUIRE_REDIS"))) {
				throw new IllegalStateException(reason + " (SWR_REQUIRE_REDIS=true forbids skipping)");
			}
			Assumptions.abort(reason);
			return null;
		}

		/** Where the server comes from; fault tests ({@code ownServer}) need one they started. */
		static Source choose(@Nullable String url, boolean binaryOnPath, boolean ownServer) {
			if (!ownServer && url != null && !url.isBlank()) {
				return Source.URL;
			}
			if (binaryOnPath) {
				return Source.BINARY;
			}
			return ownServer ? Source.NONE : Source.CONTAINER;
		}

		enum Source {

			URL, BINARY, CONTAINER, NONE

		}

		/**
		 * The binary {@code name} from the {@code PATH}; without it the calling test is skipped, or
		 * fails when {@code SWR_REQUIRE_REDIS=true} (CI installs it).
		 */
		static String requireBinary(String name, String forWhat) {
			String binary = onPath(name);
			if (binary == null) {
				String reason = "No " + name + " on the PATH for " + forWhat;
				if (Boolean.parseBoolean(System.getenv("SWR_REQUIRE_REDIS"))) {
					throw new IllegalStateException(reason + " (SWR_REQUIRE_REDIS=true forbids skipping)");
				}
				Assumptions.abort(reason);
			}
			return binary;
		}

		static @Nullable String onPath(String name) {
			String path = System.getenv("PATH");
			if (path == null) {
				return null;
			}
			for (String dir : path.split(File.pathSeparator)) {
				File candidate = new File(dir, name);
				if (candidate.canExecute()) {
					return candidate.getAbsolutePath();
				}
			}
			return null;
		}

		@Override
		public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
			return parameter.getParameter().getType() == RedisServer.class;
		}

		@Override
		public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
			return context.getStore(NAMESPACE).get("server", RedisServer.class);
		}

	}

}
