package dev.swr.spring.disk;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import dev.swr.spring.disk.RocksDbLibrary.Copy;
import dev.swr.spring.disk.RocksDbLibrary.Source;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The copy of RocksDB's native library kept beside the database: extracted once, used again only
 * when intact and when no one else could have written it. {@link RocksDbLibrary#prepare} is tried
 * here without loading anything; child JVMs load it for real.
 */
class RocksDbLibraryTest {

	@TempDir
	Path dir;

	@Test
	void aGarbledCopyIsExtractedAgain() throws Exception {
		Path db = this.dir.resolve("db");
		Copy first = RocksDbLibrary.prepare(db);
		assertThat(first.source()).isEqualTo(Source.EXTRACTED);
		Path library = onlyFileIn(first.directory());
		long size = Files.size(library);
		try (RandomAccessFile file = new RandomAccessFile(library.toFile(), "rw")) {
			file.seek(size / 2);
			int b = file.read();
			file.seek(size / 2);
			file.write(b ^ 0xFF);
		}

		Copy again = RocksDbLibrary.prepare(db);

		assertThat(again).isNotNull();
		assertThat(again.source()).as("same size, one byte changed").isEqualTo(Source.EXTRACTED);
		assertThat(RocksDbLibrary.prepare(db).source()).isEqualTo(Source.KEPT_COPY);
	}

	@Test
	void aTruncatedCopyIsExtractedAgain() throws Exception {
		Path db = this.dir.resolve("db");
		Path library = onlyFileIn(RocksDbLibrary.prepare(db).directory());
		try (RandomAccessFile file = new RandomAccessFile(library.toFile(), "rw")) {
			file.setLength(file.length() / 3);
		}

		assertThat(RocksDbLibrary.prepare(db).source()).isEqualTo(Source.EXTRACTED);
	}

	@Test
	void aCopyOthersCanWriteIsNotUsed() throws Exception {
		Path db = this.dir.resolve("db");
		Copy copy = RocksDbLibrary.prepare(db);
		Files.setPosixFilePermissions(copy.directory(), PosixFilePermissions.fromString("rwxrwxrwx"));

		assertThat(RocksDbLibrary.prepare(db)).as("a directory anyone can write").isNull();
	}

	@Test
	void aParentOthersCanWriteIsNotUsed() throws Exception {
		Path parent = Files.createDirectory(this.dir.resolve("shared"));
		Files.setPosixFilePermissions(parent, PosixFilePermissions.fromString("rwxrwxrwx"));

		assertThat(RocksDbLibrary.prepare(parent.resolve("db")))
			.as("someone else could rename the copy's directory and put theirs in its place")
			.isNull();
	}

	@Test
	void aSymbolicLinkInPlaceOfTheCopyIsNotFollowed() throws Exception {
		Path db = this.dir.resolve("db");
		Copy copy = RocksDbLibrary.prepare(db);
		Path elsewhere = Files.move(copy.directory(), this.dir.resolve("elsewhere"));
		Files.createSymbolicLink(copy.directory(), elsewhere);

		assertThat(RocksDbLibrary.prepare(db)).isNull();
	}

	@Test
	void extractingRemovesCopiesOfEarlierVersionsOfThisDatabaseOnly() throws Exception {
		Path earlier = Files.createDirectory(this.dir.resolve("db.rocksdbjni-00000000"),
				PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
		Files.writeString(earlier.resolve("librocksdbjnijni-linux64.so"), "an older library");
		Path otherDatabase = Files.createDirectory(this.dir.resolve("other.rocksdbjni-00000000"),
				PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));

		Copy copy = RocksDbLibrary.prepare(this.dir.resolve("db"));

		assertThat(copy.source()).isEqualTo(Source.EXTRACTED);
		assertThat(earlier).doesNotExist();
		assertThat(otherDatabase).exists();
		assertThat(Files.getPosixFilePermissions(copy.directory(), LinkOption.NOFOLLOW_LINKS))
			.isEqualTo(PosixFilePermissions.fromString("rwx------"));
	}

	@Test
	void startsRacingOnOneDirectoryEachGetAWholeCopy() throws Exception {
		Path db = this.dir.resolve("db");
		int racers = 4;
		CyclicBarrier start = new CyclicBarrier(racers);
		ExecutorService pool = Executors.newFixedThreadPool(racers);
		try {
			List<Future<Copy>> copies = new ArrayList<>();
			for (int i = 0; i < racers; i++) {
				Callable<Copy> racer = () -> {
					start.await(10, TimeUnit.SECONDS);
					return RocksDbLibrary.prepare(db);
				};
				copies.add(pool.submit(racer));
			}
			for (Future<Copy> copy : copies) {
				// Written in place, a racer would find a half-written file, fail its check and get null.
				assertThat(copy.get(60, TimeUnit.SECONDS)).isNotNull();
			}
		}
		finally {
			pool.shutdownNow();
		}
		Path directory = RocksDbLibrary.prepare(db).directory();
		try (Stream<Path> files = Files.list(directory)) {
			assertThat(files).as("no temporary file left").hasSize(1);
		}
	}

	@Test
	void aRestartLoadsTheKeptCopyAndItWorks() throws Exception {
		Path db = this.dir.resolve("db");

		assertThat(runLibraryChild(db)).isEqualTo("LIBRARY EXTRACTED READ value-a");
		assertThat(runLibraryChild(db)).isEqualTo("LIBRARY KEPT_COPY READ value-a");
	}

	@Test
	void anUntrustedPlaceFallsBackToRocksDbsOwnLoader() throws Exception {
		Path parent = Files.createDirectory(this.dir.resolve("shared"));
		Files.setPosixFilePermissions(parent, PosixFilePermissions.fromString("rwxrwxrwx"));

		assertThat(runLibraryChild(parent.resolve("db"))).isEqualTo("LIBRARY ROCKSDB_LOADER READ value-a");
	}

	private static String runLibraryChild(Path db) throws Exception {
		Process child = DiskChild.start(db, "library");
		try {
			return DiskChild.firstLine(child);
		}
		finally {
			if (!child.waitFor(30, TimeUnit.SECONDS)) {
				child.destroyForcibly();
			}
		}
	}

	private static Path onlyFileIn(Path directory) throws IOException {
		try (Stream<Path> files = Files.list(directory)) {
			List<Path> list = files.toList();
			assertThat(list).hasSize(1);
			return list.get(0);
		}
	}

}
