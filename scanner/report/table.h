/*
 * table.h - the report sections that HTML and Markdown print alike.
 *
 * Both reports are headings, tables and short paragraphs; they differ in
 * syntax, not in content.  A writer describes its syntax once in a
 * struct table_syntax (markup strings, plus callbacks where a string is
 * not enough), and table.c writes the shared sections against it.
 * Sections whose layout differs on purpose (findings, hosts) stay in
 * out_html.c and out_md.c and use the cell helpers below.
 */
#ifndef HEIIKI_REPORT_TABLE_H
#define HEIIKI_REPORT_TABLE_H

#include <stdio.h>

#include "report.h"

struct table_syntax {
	void (*esc)(FILE *f, const char *s);
	/* Opens a section: its anchor id and its title. */
	void (*section)(FILE *f, const struct report *r, const char *id, enum msg title);
	/* A heading inside a section. */
	void (*subheading)(FILE *f, const struct report *r, enum msg title);
	/* Opens a table and writes its header row. */
	void (*header)(FILE *f, const struct report *r, const enum msg *cols, size_t n);
	/* A severity word inside a cell. */
	void (*sev)(FILE *f, const struct report *r, const char *sev);
	const char *section_end;
	const char *none, *none_end;	/* a "nothing found" paragraph */
	const char *kv_table;		/* opens a label/value table */
	const char *table_end;
	const char *row, *row_end;
	const char *th, *th_end;	/* a label cell */
	const char *total, *total_end;	/* the label cell of a total */
	const char *td, *td_risk, *td_end;
	const char *num, *num_risk;	/* open a number cell; td_end closes it */
	int zone_ends;			/* flows: "addr (zone or country)" */
	const char *para, *para_end;	/* a paragraph of text (page 1) */
	const char *lead, *lead_end;	/* the one-sentence conclusion */
};

/* One text cell; a number cell, empty when v < 0. */
void table_cell(FILE *f, const struct table_syntax *sx, const char *s);
void table_num(FILE *f, const struct table_syntax *sx, long long v);
/* The paragraph for an empty section. */
void table_none(FILE *f, const struct report *r, const struct table_syntax *sx, enum msg m);
/* Opens a section; 0, with the none paragraph and the section closed,
 * when rows is empty. */
int table_section(FILE *f, const struct report *r, const struct table_syntax *sx,
		  const char *id, enum msg title, const json_t *rows, enum msg none);

/* Run metadata; summary by severity with the checklist and the overview;
 * external connection points; external peers; remote-access flows. */
void table_run(FILE *f, const struct report *r, const struct table_syntax *sx);
void table_summary(FILE *f, const struct report *r, const struct table_syntax *sx);
void table_exits(FILE *f, const struct report *r, const struct table_syntax *sx);
void table_peers(FILE *f, const struct report *r, const struct table_syntax *sx);
void table_flows(FILE *f, const struct report *r, const struct table_syntax *sx);

/* page1.c: the page management reads (conclusion, what to do first, the
 * comparison with the previous run) and the inspection evidence section. */
void table_page1(FILE *f, const struct report *r, const struct table_syntax *sx);
void table_evidence(FILE *f, const struct report *r, const struct table_syntax *sx);
/* The document's inventory tables: support status, remote-maintenance paths. */
void table_inventory(FILE *f, const struct report *r, const struct table_syntax *sx);
/* Label/value row, left out when the value is empty. */
void table_kv(FILE *f, const struct table_syntax *sx, const char *label, const char *value);

#endif
