package dev.swr.spring.web;

import java.io.IOException;
import java.io.PrintWriter;

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
 * STALE, MISS, HIT, in that order) as a response header, {@code X-Cache-Status} by default. The
 * header is set when the body is first written or the response committed, by then the calls have
 * been made. Requests without a cached call get no header.
 */
public class SwrStatusHeaderFilter extends OncePerRequestFilter {

	private final String headerName;

	/** A filter writing {@code headerName}; an empty name disables it. */
	public SwrStatusHeaderFilter(String headerName) {
		this.headerName = headerName;
	}

	@Override
	protected boolean shouldNotFilter(HttpServletRequest request) {
		return !StringUtils.hasText(this.headerName);
	}

	@Override
	protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
			throws ServletException, IOException {
		SwrStatus.resetTracking();
		StatusHeaderResponse wrapped = new StatusHeaderResponse(response, this.headerName);
		try {
			chain.doFilter(request, wrapped);
			wrapped.addStatusHeader();
		}
		finally {
			SwrStatus.resetTracking();
		}
	}

	/** Adds the header just before the response can no longer take one. */
	private static final class StatusHeaderResponse extends HttpServletResponseWrapper {

		private final String headerName;

		private boolean added;

		StatusHeaderResponse(HttpServletResponse response, String headerName) {
			super(response);
			this.headerName = headerName;
		}

		void addStatusHeader() {
			if (this.added || isCommitted()) {
				return;
			}
			this.added = true;
			SwrStatus worst = SwrStatus.worst();
			if (worst != null) {
				setHeader(this.headerName, worst.name());
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
