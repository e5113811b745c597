package dev.swr.spring.web;

import java.io.IOException;
import java.io.PrintWriter;
import java.time.InstantSource;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpServletResponseWrapper;
import org.springframework.util.StringUtils;
import org.springframework.web.filter.OncePerRequestFilter;

import dev.swr.core.SwrStatus;

/**
 * Adds the most degraded {@link SwrStatus} of the request's cached calls (FALLBACK, EXPIRED,
 * STALE, MISS, HIT, in that order) as a response header, {@code X-Cache-Status} by default, and
 * the same answer as an RFC 9211 {@code Cache-Status} header:
 * <table>
 * <caption>Cache-Status per status</caption>
 * <tr><td>HIT</td><td>{@code swr; hit; ttl=<seconds of freshness left>}</td></tr>
 * <tr><td>MISS</td><td>{@code swr; fwd=miss; stored}</td></tr>
 * <tr><td>STALE</td><td>{@code swr; hit; ttl=<negative: seconds past fresh>; detail=stale}</td></tr>
 * <tr><td>EXPIRED</td><td>{@code swr; hit; ttl=<negative>; detail=expired}</td></tr>
 * <tr><td>FALLBACK</td><td>{@code swr; hit; ttl=<negative>; detail=fallback}</td></tr>
 * </table>
 * {@code ttl} is that of the entry served by the worst read (the earliest to end its freshness when
 * several): whole seconds, at least 0 for a hit and at most -1 for an entry served past its
 * freshness. Headers are set when the body is first written or the response committed; by then the
 * calls have been made. Requests without a cached call get none.
 */
public class SwrStatusHeaderFilter extends OncePerRequestFilter {

	/** The cache's name in {@code Cache-Status}. */
	static final String CACHE_NAME = "swr";

	private final String headerName;

	private final boolean cacheStatus;

	private final InstantSource clock;

	/** A filter writing {@code headerName} only; an empty name disables it. */
	public SwrStatusHeaderFilter(String headerName) {
		this(headerName, false, InstantSource.system());
	}

	/**
	 * A filter writing {@code headerName} (empty: not) and, with {@code cacheStatus}, RFC 9211's
	 * {@code Cache-Status}.
	 * @param headerName {@code swr.web.status-header}
	 * @param cacheStatus {@code swr.web.cache-status}
	 * @param clock the caches' clock, which {@code ttl} is measured on
	 */
	public SwrStatusHeaderFilter(String headerName, boolean cacheStatus, InstantSource clock) {
		this.headerName = headerName;
		this.cacheStatus = cacheStatus;
		this.clock = clock;
	}

	@Override
	protected boolean shouldNotFilter(HttpServletRequest request) {
		return !StringUtils.hasText(this.headerName) && !this.cacheStatus;
	}

	/** The RFC 9211 {@code Cache-Status} value of a request whose worst read had {@code status}. */
	static String cacheStatus(SwrStatus status, long freshUntil, long now) {
		if (status == SwrStatus.MISS) {
			return CACHE_NAME + "; fwd=miss; stored";
		}
		StringBuilder value = new StringBuilder(CACHE_NAME).append("; hit");
		if (freshUntil != SwrStatus.UNKNOWN_FRESH_UNTIL) {
			long ttl = Math.floorDiv(freshUntil - now, 1000L);
			value.append("; ttl=").append((status == SwrStatus.HIT) ? Math.max(0, ttl) : Math.min(-1, ttl));
		}
		if (status != SwrStatus.HIT) {
			value.append("; detail=").append(status.tag());
		}
		return value.toString();
	}

	@Override
	protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
			throws ServletException, IOException {
		SwrStatus.resetTracking();
		StatusHeaderResponse wrapped = new StatusHeaderResponse(response);
		try {
			chain.doFilter(request, wrapped);
			wrapped.addStatusHeader();
		}
		finally {
			SwrStatus.resetTracking();
		}
	}

	/** Adds the headers just before the response can no longer take one. */
	private final class StatusHeaderResponse extends HttpServletResponseWrapper {

		private boolean added;

		StatusHeaderResponse(HttpServletResponse response) {
			super(response);
		}

		void addStatusHeader() {
			if (this.added || isCommitted()) {
				return;
			}
			this.added = true;
			SwrStatus worst = SwrStatus.worst();
			if (worst == null) {
				return;
			}
			if (StringUtils.hasText(SwrStatusHeaderFilter.this.headerName)) {
				setHeader(SwrStatusHeaderFilter.this.headerName, worst.name());
			}
			if (SwrStatusHeaderFilter.this.cacheStatus) {
				setHeader("Cache-Status",
						cacheStatus(worst, SwrStatus.worstFreshUntil(), SwrStatusHeaderFilter.this.clock.millis()));
			}
		}

		@Override
		public ServletOutputStream getOutputStream() throws IOException {
			addStatusHeader();
			return super.getOutputStream();
		}

		@Override
		public PrintWriter getWriter() throws IOException {
			addStatusHeader();
			return super.getWriter();
		}

		@Override
		public void flushBuffer() throws IOException {
			addStatusHeader();
			super.flushBuffer();
		}

		@Override
		public void sendError(int sc) throws IOException {
			addStatusHeader();
			super.sendError(sc);
		}

		@Override
		public void sendError(int sc, String msg) throws IOException {
			addStatusHeader();
			super.sendError(sc, msg);
		}

	}

}
