/*
 * test_pipeline.c - the pipeline's duration estimate (scan --dry-run,
 * 'heiiki targets', night's window warning): the global rate, or the
 * per-host cap times the hosts in flight when that is lower.
 */
#include <criterion/criterion.h>
#include <string.h>

#include "scanner/pipeline/pipeline.h"

Test(pipeline, estimate_uses_the_binding_rate)
{
	/* 5.4 M probes at 500 pps, 32 hosts x 20 pps = 640 > 500: 500 binds
	 * (only the last batch of 24 hosts is slower: within 0.1 %) */
	cr_expect_float_eq(pipeline_estimate_seconds(131000, 41, 500, 20, 32),
			   131000.0 * 41 / 500, 0.001 * 131000.0 * 41 / 500);
	/* 4 hosts in flight x 40 pps = 160 < 1000: the per-host cap binds,
	 * exactly (ratelimit.h) */
	cr_expect_float_eq(pipeline_estimate_seconds(1000, 10, 1000, 40, 4),
			   10000.0 / 160, 1e-6);
	/* fewer hosts than in flight: only those hosts count */
	cr_expect_float_eq(pipeline_estimate_seconds(2, 100, 1000, 10, 64), 200.0 / 20,
			   0.02 * 200.0 / 20);
	/* no per-host cap */
	cr_expect_float_eq(pipeline_estimate_seconds(10, 10, 50, 0, 64), 2.0, 1e-6);
}

Test(pipeline, duration_text)
{
	char b[64];

	cr_expect_str_eq(pipeline_duration_text(40.2, b, sizeof(b)), "40 s");
	cr_expect_str_eq(pipeline_duration_text(723, b, sizeof(b)), "12 min 3 s");
	cr_expect_str_eq(pipeline_duration_text(10742, b, sizeof(b)), "2 h 59 min");
	cr_expect_str_eq(pipeline_duration_text(-5, b, sizeof(b)), "0 s");
}
