package dev.swr.spring.disk;

import java.io.IOException;
import java.io.InputStream;
import java.net.JarURLConnection;
import java.net.URL;
import java.net.URLConnection;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.jar.JarEntry;
import java.util.zip.CRC32;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import org.rocksdb.RocksDB;
import org.rocksdb.util.Environment;

/**
 * Loads RocksDB's native library from a copy kept beside the database, so a restart does not pay
 * for extracting it again. RocksDB's own loader ({@link RocksDB#loadLibrary()}) unpacks the library
 * (17 MB on Linux x86-64) from the {@code rocksdbjni} jar into a new temporary file on every start:
 * about 130 ms of a warm restart on the machine of {@code docs/benchmarks.md}. Written here because
 * {@code rocksdbjni} keeps no extracted copy between runs ({@code ROCKSDB_SHAREDLIB_DIR} only moves
 * where it extracts, and it extracts again each time).
 * <p>
 * The copy is {@code <swr.disk.path>.rocksdbjni-<crc>/}, where {@code <crc>} is the CRC-32 the jar
 * records for the library, so an upgraded {@code rocksdbjni} gets a directory of its own (and the old
 * one is removed). It is used only when it can be trusted: on a POSIX file system, the directory and
 * its parent owned by this process's user and writable by no one else, and the file the size and
 * CRC-32 of the jar's entry (a half-written or altered copy is replaced). In any other case (no such
 * entry, another OS, a read-only or foreign directory, an error) it falls back to RocksDB's own loader.
 * A library on {@code java.library.path} is not looked for here; RocksDB's own loader would use it.
 */
public final class RocksDbLibrary {

	/** How the library came to be loaded. */
	public enum Source {

		/** The copy beside the database, from an earlier start. */
		KEPT_COPY,

		/** Extracted beside the database now (first start, or a new {@code rocksdbjni}). */
		EXTRACTED,

		/** RocksDB's own loader: the copy could not be used. */
		ROCKSDB_LOADER,

		/** Already loaded in this JVM. */
		ALREADY_LOADED

	}

	private static final Log logger = LogFactory.getLog(RocksDbLibrary.class);

	private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rwx------");

	private static final String COPY_MARK = ".rocksdbjni-";

	private static @Nullable Source loaded;

	private RocksDbLibrary() {
	}

	/**
	 * Loads the library once per JVM, from the copy beside {@code database} when it can.
	 * @param database the database directory ({@code swr.disk.path}), absolute
	 * @return how it was loaded
	 */
	public static synchronized Source load(Path database) {
		if (loaded != null) {
			return Source.ALREADY_LOADED;
		}
		Source source = null;
		try {
			Copy copy = prepare(database);
			if (copy != null) {
				RocksDB.loadLibrary(List.of(copy.directory().toString()));
				source = copy.source();
			}
		}
		catch (IOException | RuntimeException | UnsatisfiedLinkError ex) {
			logger.debug("RocksDB's native library could not be loaded from beside " + database
					+ "; using RocksDB's own loader", ex);
		}
		if (source == null) {
			RocksDB.loadLibrary();
			source = Source.ROCKSDB_LOADER;
		}
		loaded = source;
		return source;
	}

	/**
	 * A copy of the library to load, and whether it was there already.
	 * @param directory the directory to hand to {@link RocksDB#loadLibrary(List)}
	 * @param source {@link Source#KEPT_COPY} or {@link Source#EXTRACTED}
	 */
	record Copy(Path directory, Source source) {
	}

	/**
	 * Makes sure a trusted, intact copy of the library is beside {@code database}, without loading it.
	 * @return the copy, or {@code null} when none can be used
	 */
	static @Nullable Copy prepare(Path database) throws IOException {
		String resource = Environment.getJniLibraryFileName("rocksdb");
		URL url = RocksDB.class.getClassLoader().getResource(resource);
		if (url == null) {
			return null;
		}
		URLConnection connection = url.openConnection();
		if (!(connection instanceof JarURLConnection jar)) {
			return null;
		}
		connection.setUseCaches(false);
		JarEntry entry = jar.getJarEntry();
		if (entry == null || entry.getCrc() < 0 || entry.getSize() < 0) {
			return null;
		}
		Path parent = database.getParent();
		if (parent == null || !Files.isDirectory(parent)) {
			return null;
		}
		String name = database.getFileName().toString() + COPY_MARK + String.format(Locale.ROOT, "%08x", entry.getCrc());
		Path directory = parent.resolve(name);
		if (!Files.exists(directory, LinkOption.NOFOLLOW_LINKS)) {
			try {
				Files.createDirectory(directory, PosixFilePermissions.asFileAttribute(OWNER_ONLY));
				removeOtherCopies(parent, database.getFileName().toString(), name);
			}
			catch (FileAlreadyExistsException ex) {
				// Another process starting on the same directory made it: checked below like any other.
			}
		}
		if (!trusted(parent) || !trusted(directory)) {
			return null;
		}
		// The name RocksDB.loadLibrary(List) looks for in each directory it is given.
		Path library = directory.resolve(Environment.getJniLibraryFileName("rocksdbjni"));
		Source source = Source.KEPT_COPY;
		if (!matches(library, entry)) {
			extract(url, directory, library);
			source = Source.EXTRACTED;
			if (!matches(library, entry)) {
				return null;
			}
		}
		return new Copy(directory, source);
	}

	/** Owned by this process's user, a real directory, writable by no one else. */
	private static boolean trusted(Path directory) throws IOException {
		PosixFileAttributeView view = Files.getFileAttributeView(directory, PosixFileAttributeView.class,
				LinkOption.NOFOLLOW_LINKS);
		if (view == null) {
			return false;
		}
		PosixFileAttributes attributes = view.readAttributes();
		UserPrincipal me = directory.getFileSystem()
			.getUserPrincipalLookupService()
			.lookupPrincipalByName(System.getProperty("user.name"));
		Set<PosixFilePermission> permissions = attributes.permissions();
		return attributes.isDirectory() && attributes.owner().equals(me)
				&& !permissions.contains(PosixFilePermission.GROUP_WRITE)
				&& !permissions.contains(PosixFilePermission.OTHERS_WRITE);
	}

	private static boolean matches(Path library, JarEntry entry) throws IOException {
		if (!Files.isRegularFile(library, LinkOption.NOFOLLOW_LINKS) || Files.size(library) != entry.getSize()) {
			return false;
		}
		CRC32 crc = new CRC32();
		byte[] buffer = new byte[1 << 16];
		try (InputStream in = Files.newInputStream(library)) {
			for (int read = in.read(buffer); read >= 0; read = in.read(buffer)) {
				crc.update(buffer, 0, read);
			}
		}
		return crc.getValue() == entry.getCrc();
	}

	/** Writes a temporary file and renames it over the library: a concurrent start sees all of it or none. */
	private static void extract(URL url, Path directory, Path library) throws IOException {
		Path temporary = Files.createTempFile(directory, "extracting-", ".tmp");
		try {
			try (InputStream in = url.openStream()) {
				Files.copy(in, temporary, StandardCopyOption.REPLACE_EXISTING);
			}
			try {
				Files.move(temporary, library, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
			}
			catch (AtomicMoveNotSupportedException ex) {
				Files.move(temporary, library, StandardCopyOption.REPLACE_EXISTING);
			}
		}
		finally {
			Files.deleteIfExists(temporary);
		}
	}

	/** Removes the copies an earlier {@code rocksdbjni} left beside this database: best effort. */
	private static void removeOtherCopies(Path parent, String database, String keep) {
		try (DirectoryStream<Path> copies = Files.newDirectoryStream(parent, database + COPY_MARK + "*")) {
			for (Path copy : copies) {
				if (!copy.getFileName().toString().equals(keep) && trusted(copy)) {
					try (DirectoryStream<Path> files = Files.newDirectoryStream(copy)) {
						for (Path file : files) {
							Files.deleteIfExists(file);
						}
					}
					Files.deleteIfExists(copy);
				}
			}
		}
		catch (IOException | RuntimeException ex) {
			logger.debug("Could not remove an earlier copy of RocksDB's native library beside " + parent, ex);
		}
	}

}
