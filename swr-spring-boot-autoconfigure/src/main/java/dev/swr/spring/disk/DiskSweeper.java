package dev.swr.spring.disk;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * Runs {@link DiskDatabase#sweep()} every {@code swr.disk.sweep-interval} on one daemon thread
 * ({@code swr-disk-sweep}) of its own; a sweep never overlaps the next. {@link #close()} stops it,
 * waiting at most ten seconds for a sweep under way.
 */
public final class DiskSweeper implements AutoCloseable {

	private static final Log logger = LogFactory.getLog(DiskSweeper.class);

	private final ScheduledExecutorService thread;

	/**
	 * Starts sweeping.
	 * @param database the database to sweep
	 * @param interval the pause between the end of one sweep and the start of the next
	 * @throws IllegalArgumentException if {@code interval} is not positive, naming the property
	 */
	public DiskSweeper(DiskDatabase database, Duration interval) {
		if (interval.isNegative() || interval.isZero()) {
			throw new IllegalArgumentException("swr.disk.sweep-interval must be positive but was " + interval);
		}
		this.thread = Executors.newSingleThreadScheduledExecutor((task) -> {
			Thread sweeper = new Thread(task, "swr-disk-sweep");
			sweeper.setDaemon(true);
			return sweeper;
		});
		this.thread.scheduleWithFixedDelay(() -> {
			try {
				long removed = database.sweep();
				if (removed > 0 && logger.isDebugEnabled()) {
					logger.debug("Disk cache sweep removed " + removed + " entries");
				}
			}
			catch (RuntimeException ex) {
				logger.warn("Disk cache sweep failed", ex);
			}
		}, interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
	}

	@Override
	public void close() throws InterruptedException {
		this.thread.shutdownNow();
		if (!this.thread.awaitTermination(10, TimeUnit.SECONDS)) {
			logger.warn("Disk cache sweep still running 10 s after shutdown; closing the database anyway");
		}
	}

}
