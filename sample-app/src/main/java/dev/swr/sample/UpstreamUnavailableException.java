package dev.swr.sample;

/** The upstream catalog refused a fetch because it was switched to failing. */
public class UpstreamUnavailableException extends RuntimeException {

	private static final long serialVersionUID = 1L;

	private final long productId;

	/** The fetch of {@code productId} failed. */
	public UpstreamUnavailableException(long productId) {
		super("Upstream catalog is unavailable; product " + productId + " could not be fetched");
		this.productId = productId;
	}

	/** The product that could not be fetched. */
	public long productId() {
		return this.productId;
	}

}
