/*
 * test_report_screen.c - page 1 as a reader sees it: the Japanese and the
 * English HTML report rendered by headless Chromium (Debian chromium) in a
 * 1280x800 window.  The conclusion and the table of "what to do first"
 * must end above the fold (800 px).  The report forbids scripts (CSP), so
 * the test works on a copy without the CSP meta tag plus a small script
 * that writes the elements' bounding boxes into the DOM, read back with
 * --dump-dom.  Skipped with a message when chromium is not installed.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char *
srcdir(void)
{
	const char *s = getenv("HEIIKI_SRCDIR");
	return s && *s ? s : ".";
}

static const char probe_js[] =
	"<script>(function(){var l=document.querySelector('#page1 .lead')"
	".getBoundingClientRect();var t=document.querySelectorAll('#page1 table')[1]"
	".getBoundingClientRect();var p=document.createElement('pre');p.id='metrics';"
	"p.textContent='M '+Math.round(l.top)+' '+Math.round(l.bottom)+' '+Math.round(t.top)+"
	"' '+Math.round(t.bottom)+' '+window.innerHeight+' E';document.body.appendChild(p);})()"
	"</script></body>";

/*
 * The report of the golden documents in lang, with js before </body> (the
 * CSP meta tag removed, so it runs), rendered by headless chromium in a
 * width x height window; the DOM afterwards (malloc'd), and the temporary
 * directory removed.
 */
static char *
probe_dom(const char *lang, const char *js, int width, int height)
{
	char dir[] = "/tmp/heiiki-screen-XXXXXX", cmd[2048], *html, *dom, *p, *csp;
	const char *h = getenv("HEIIKI");
	FILE *f;
	long n;

	cr_assert_not_null(h);
	cr_assert_not_null(mkdtemp(dir));
	snprintf(cmd, sizeof(cmd), "cd '%s/tests/golden' && '%s' report --lang %s --policy "
		 "policy-assets.yaml -o %s/r.html scan-hospital.json capture-partial.json "
		 "2>/dev/null", srcdir(), h, lang, dir);
	cr_assert_eq(system(cmd), 0);
	snprintf(cmd, sizeof(cmd), "%s/r.html", dir);
	f = fopen(cmd, "r");
	cr_assert_not_null(f);
	html = calloc(1, 1 << 21);
	n = (long)fread(html, 1, (1 << 21) - 1, f);
	fclose(f);
	cr_assert_gt(n, 0);
	csp = strstr(html, "<meta http-equiv=\"Content-Security-Policy\"");
	cr_assert_not_null(csp, "the report lost its CSP");
	memset(csp, ' ', (size_t)(strchr(csp, '>') - csp + 1));
	p = strstr(html, "</body>");
	cr_assert_not_null(p);
	snprintf(cmd, sizeof(cmd), "%s/probe.html", dir);
	f = fopen(cmd, "w");
	cr_assert_not_null(f);
	fwrite(html, 1, (size_t)(p - html), f);
	fputs(js, f);
	fputs(p + 7, f);
	fclose(f);
	free(html);
	snprintf(cmd, sizeof(cmd), "timeout 120 chromium --headless --no-sandbox --disable-gpu "
		 "--window-size=%d,%d --dump-dom file://%s/probe.html 2>/dev/null", width,
		 height, dir);
	f = popen(cmd, "r");
	cr_assert_not_null(f);
	dom = calloc(1, 1 << 21);
	n = (long)fread(dom, 1, (1 << 21) - 1, f);
	pclose(f);
	cr_assert_gt(n, 0, "chromium printed no DOM");
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	cr_expect_eq(system(cmd), 0);
	return dom;
}

static void
above_the_fold(const char *lang)
{
	char *dom = probe_dom(lang, probe_js, 1280, 800), *p;
	int lt, lb, tt, tb, vh;

	p = strstr(dom, "<pre id=\"metrics\">M ");
	cr_assert_not_null(p, "chromium did not run the probe");
	{
		char *q = p + 20;
		int *out[5] = { &lt, &lb, &tt, &tb, &vh };

		for (int k = 0; k < 5; k++) {
			char *e;

			*out[k] = (int)strtol(q, &e, 10);
			cr_assert_neq(e, q, "metrics field %d unreadable", k);
			q = e;
		}
	}
	/* the visible height of a 1280x800 headless window (about 713 px
	 * once the browser's own bars are taken off) is the fold */
	cr_expect(vh > 600 && vh <= 800, "window height %d", vh);
	cr_expect_gt(lb, lt, "conclusion has no height");
	cr_expect_leq(lb, vh, "%s: conclusion ends at %d px, below the fold (%d)", lang, lb, vh);
	cr_expect_gt(tb, tt, "actions table has no height");
	cr_expect_leq(tb, vh, "%s: 'what to do first' ends at %d px, below the fold (%d)", lang,
		      tb, vh);
	free(dom);
}

/*
 * A4 print: the printable width of A4 with the report's 12 mm print
 * margins is 186 mm = 703 px (96 px per inch).  With the print rules
 * applied by hand (body margin 0: a headless --dump-dom cannot switch to
 * print media), no table, cell or block may end right of that width - what
 * does is clipped on paper.  The probe lists every offender.
 */
static const char a4_js[] =
	"<script>(function(){document.body.style.margin='0';var w=window.innerWidth,bad=[];"
	"document.querySelectorAll('body *').forEach(function(e){"
	"var r=e.getBoundingClientRect(),o=(e.tagName=='TD'||e.tagName=='TH')&&"
	"e.scrollWidth>e.clientWidth+1;if(r.right>w+1||o)bad.push(e.tagName+':'+"
	"Math.round(r.right)+(o?'(content '+e.scrollWidth+'>'+e.clientWidth+')':'')+':'+"
	"(e.textContent||'').trim().slice(0,40));});"
	"var p=document.createElement('pre');p.id='a4';p.textContent='W '+w+' '+"
	"document.documentElement.scrollWidth+' N '+bad.length+' '+bad.slice(0,5).join(' | ')+' E';"
	"document.body.appendChild(p);})()</script></body>";

static void
a4_width(const char *lang)
{
	char *dom = probe_dom(lang, a4_js, 703, 1000), *p, *q;
	int w, sw, nbad;

	p = strstr(dom, "<pre id=\"a4\">W ");
	cr_assert_not_null(p, "chromium did not run the A4 probe");
	w = (int)strtol(p + 15, &q, 10);
	sw = (int)strtol(q, &q, 10);
	cr_assert_not_null(strstr(q, " N "));
	nbad = (int)strtol(strstr(q, " N ") + 3, NULL, 10);
	cr_expect(w > 600 && w <= 703, "window width %d", w);
	cr_expect_leq(sw, w, "%s: the page is %d px wide at A4's %d px", lang, sw, w);
	cr_expect_eq(nbad, 0, "%s: %d element(s) run past A4's printable width: %.300s", lang,
		     nbad, strstr(q, " N "));
	free(dom);
}

Test(screen, a4_print_has_no_clipped_column_ja, .timeout = 180)
{
	if (access("/usr/bin/chromium", X_OK) != 0) {
		cr_skip_test("chromium not installed");
		return;
	}
	a4_width("ja");
}

Test(screen, a4_print_has_no_clipped_column_en, .timeout = 180)
{
	if (access("/usr/bin/chromium", X_OK) != 0) {
		cr_skip_test("chromium not installed");
		return;
	}
	a4_width("en");
}

Test(screen, page1_above_the_fold_ja, .timeout = 180)
{
	if (access("/usr/bin/chromium", X_OK) != 0) {
		cr_skip_test("chromium not installed");
		return;
	}
	above_the_fold("ja");
}

Test(screen, page1_above_the_fold_en, .timeout = 180)
{
	if (access("/usr/bin/chromium", X_OK) != 0) {
		cr_skip_test("chromium not installed");
		return;
	}
	above_the_fold("en");
}
