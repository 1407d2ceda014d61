/*
 * ntlmssp.h - the NTLMSSP NEGOTIATE we send and the CHALLENGE we read
 * (MS-NLMP 2.2.1.1, 2.2.1.2, 2.2.2.1), shared by the SMB and RDP probes.
 *
 * A CHALLENGE tells, without any logon: the server's NetBIOS and DNS
 * computer and domain names and its OS version (major.minor.build).  We
 * never send AUTHENTICATE: the exchange stops at the challenge, so no
 * logon is attempted and no failed-logon event is written.
 */
#ifndef HEIIKI_NTLMSSP_H
#define HEIIKI_NTLMSSP_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#define NTLMSSP_NEGOTIATE_LEN	40
#define NTLMSSP_SPNEGO_LEN	74

/* The raw NEGOTIATE message (40 bytes) into buf; -1 when cap is short. */
int ntlmssp_negotiate(uint8_t *buf, size_t cap);
/* The same wrapped in a SPNEGO NegTokenInit (RFC 4178), 74 bytes. */
int ntlmssp_negotiate_spnego(uint8_t *buf, size_t cap);

/*
 * Find an NTLMSSP CHALLENGE in p[0..n) (it may sit inside SPNEGO or
 * CredSSP DER) and record it: obj gets "target_name", "netbios_computer",
 * "netbios_domain", "dns_computer", "dns_domain", "dns_tree",
 * "os_version" ("10.0.17763") and "ntlm_flags"; svc (the probe's output)
 * gets "os" (Windows release named from the build) and "os_build" when the
 * version is a known Windows one.  Returns 1 when a challenge was found
 * and parsed, 0 when none is there, -1 when one is there but broken.
 */
int ntlmssp_challenge(const uint8_t *p, size_t n, json_t *obj, json_t *svc);

#endif
