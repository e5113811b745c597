package dev.swr.spring.redis;

import org.jspecify.annotations.Nullable;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.GenericContainer;

/** The last resort of {@link RealRedis}: Redis in a container, only where a Docker engine answers. */
final class ContainerRedis {

	private ContainerRedis() {
	}

	static @Nullable RedisServer startIfDockerRuns() {
		boolean docker;
		try {
			docker = DockerClientFactory.instance().isDockerAvailable();
		}
		catch (RuntimeException | LinkageError ex) {
			docker = false;
		}
		if (!docker) {
			return null;
		}
		GenericContainer<?> container = new GenericContainer<>("redis:7-alpine").withExposedPorts(6379);
		container.start();
		return RedisServer.container(container.getHost(), container.getMappedPort(6379), container::stop);
	}

}
