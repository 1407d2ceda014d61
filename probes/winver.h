/*
 * winver.h - Windows build number -> release name, for the "os" field of
 * probes that see a build (SNMP sysDescr, NTLMSSP version in SMB/RDP).
 *
 * Client and server releases share build numbers; both are named.  Unknown
 * builds return NULL: the caller then shows the number only.
 */
#ifndef HEIIKI_WINVER_H
#define HEIIKI_WINVER_H

#include <stddef.h>

static inline const char *
win_build_name(unsigned major, unsigned minor, unsigned build)
{
	static const struct { unsigned build; const char *name; } b10[] = {
		{ 10240, "Windows 10 1507" },
		{ 10586, "Windows 10 1511" },
		{ 14393, "Windows 10 1607 / Windows Server 2016" },
		{ 15063, "Windows 10 1703" },
		{ 16299, "Windows 10 1709" },
		{ 17134, "Windows 10 1803" },
		{ 17763, "Windows 10 1809 / Windows Server 2019" },
		{ 18362, "Windows 10 1903" },
		{ 18363, "Windows 10 1909" },
		{ 19041, "Windows 10 2004" },
		{ 19042, "Windows 10 20H2" },
		{ 19043, "Windows 10 21H1" },
		{ 19044, "Windows 10 21H2" },
		{ 19045, "Windows 10 22H2" },
		{ 20348, "Windows Server 2022" },
		{ 22000, "Windows 11 21H2" },
		{ 22621, "Windows 11 22H2" },
		{ 22631, "Windows 11 23H2" },
		{ 26100, "Windows 11 24H2 / Windows Server 2025" },
	};

	if (major == 10 && minor == 0) {
		for (size_t i = 0; i < sizeof(b10) / sizeof(b10[0]); i++)
			if (b10[i].build == build)
				return b10[i].name;
		return NULL;
	}
	if (major == 6 && minor == 3)
		return "Windows 8.1 / Windows Server 2012 R2";
	if (major == 6 && minor == 2)
		return "Windows 8 / Windows Server 2012";
	if (major == 6 && minor == 1)
		return "Windows 7 / Windows Server 2008 R2";
	if (major == 6 && minor == 0)
		return "Windows Vista / Windows Server 2008";
	if (major == 5 && minor == 2)
		return "Windows Server 2003 / XP x64";
	if (major == 5 && minor == 1)
		return "Windows XP";
	if (major == 5 && minor == 0)
		return "Windows 2000";
	return NULL;
}

#endif
