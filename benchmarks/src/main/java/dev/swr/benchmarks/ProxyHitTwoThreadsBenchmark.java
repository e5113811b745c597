package dev.swr.benchmarks;

import org.openjdk.jmh.annotations.Threads;

/** Scenario 2 with two threads reading the same key: the benchmarks of {@link ProxyHitBenchmark}. */
@Threads(2)
public class ProxyHitTwoThreadsBenchmark extends ProxyHitBenchmark {

}
