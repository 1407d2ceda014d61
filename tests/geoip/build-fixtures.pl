#!/usr/bin/perl
#
# build-fixtures.pl - deterministic .mmdb fixtures for heiiki's GeoIP tests.
#
# Writes, into the directory given as the only argument (default: the
# directory of this script):
#   country-geolite2.mmdb  GeoLite2/GeoIP2/DB-IP "country.iso_code" schema
#   country-flat.mmdb      ip-location-db flat "country_code" schema
#   asn.mmdb               GeoLite2-ASN "autonomous_system_*" schema
#   country-v4only.mmdb    flat schema in an IPv4-only tree (ip_version 4),
#                          like ip-location-db's *-ipv4.mmdb files
#   truncated.mmdb         the first 200 bytes of country-geolite2.mmdb
#   garbage.mmdb           4 KiB of fixed pseudo-random bytes
#   empty.mmdb             zero bytes
#   corrupt-tree.mmdb      valid metadata, search tree overwritten with 0xff
#
# Only documentation and benchmarking ranges are used (198.51.100.0/24,
# 203.0.113.0/24, 198.18.0.0/15, 2001:db8::/32), mapped to made-up
# countries.  The build epoch is fixed so the output is byte-identical on
# every run (tests/unit/test_geo.c relies on FIXTURE_EPOCH).
#
# Needs Debian's libmaxmind-db-writer-perl.
use strict;
use warnings;

use File::Basename qw(dirname);
use MaxMind::DB::Writer::Tree;

my $EPOCH = 1700000000;    # 2023-11-14T22:13:20Z
my $dir   = shift @ARGV // dirname(__FILE__);

my %COUNTRY = (
	'203.0.113.0/25'   => [ 'JP', 'Japan' ],
	'203.0.113.128/25' => [ 'CN', 'China' ],
	'198.51.100.0/24'  => [ 'US', 'United States' ],
	'198.19.0.0/16'    => [ 'KR', 'South Korea' ],
	'2001:db8:1::/48'  => [ 'JP', 'Japan' ],
	'2001:db8:2::/48'  => [ 'CN', 'China' ],
);

my %ASN = (
	'203.0.113.0/25'   => [ 64500, 'Example JP Carrier' ],
	'203.0.113.128/25' => [ 64501, 'Example CN Cloud' ],
	'198.51.100.0/24'  => [ 64502, 'Example US Hosting' ],
	'2001:db8::/32'    => [ 64503, 'Example IPv6 Transit' ],
);

sub tree {
	my ( $type, $types, $ipv ) = @_;
	my $t = MaxMind::DB::Writer::Tree->new(
		ip_version               => $ipv // 6,
		record_size              => 24,
		database_type            => $type,
		languages                => ['en'],
		description              => { en => "heiiki test fixture ($type)" },
		map_key_type_callback    => sub { $types->{ $_[0] } },
		remove_reserved_networks => 0,
	);
	$t->_set_build_epoch($EPOCH);
	return $t;
}

sub write_tree {
	my ( $t, $name ) = @_;
	open my $fh, '>:raw', "$dir/$name" or die "$dir/$name: $!\n";
	$t->write_tree($fh);
	close $fh or die "$dir/$name: $!\n";
}

my %geo_types = (
	country            => 'map',
	registered_country => 'map',
	continent          => 'map',
	names              => 'map',
	iso_code           => 'utf8_string',
	code               => 'utf8_string',
	en                 => 'utf8_string',
	geoname_id         => 'uint32',
);
my $g = tree( 'GeoLite2-Country', \%geo_types );
for my $net ( sort keys %COUNTRY ) {
	my ( $cc, $name ) = @{ $COUNTRY{$net} };
	$g->insert_network(
		$net,
		{
			country => { iso_code => $cc, names => { en => $name } },
			registered_country => { iso_code => $cc, names => { en => $name } },
		}
	);
}
# A network known only by its registered country (GeoLite2 does this for
# some anycast ranges): the wrapper must fall back to it.
$g->insert_network( '198.18.200.0/24',
	{ registered_country => { iso_code => 'DE', names => { en => 'Germany' } } } );
write_tree( $g, 'country-geolite2.mmdb' );

my $f = tree( 'geo-whois-asn-country', { country_code => 'utf8_string' } );
$f->insert_network( $_, { country_code => $COUNTRY{$_}[0] } ) for sort keys %COUNTRY;
write_tree( $f, 'country-flat.mmdb' );

my $v4 = tree( 'geo-whois-asn-country-ipv4', { country_code => 'utf8_string' }, 4 );
$v4->insert_network( $_, { country_code => $COUNTRY{$_}[0] } )
	for grep { !/:/ } sort keys %COUNTRY;
write_tree( $v4, 'country-v4only.mmdb' );

my $a = tree(
	'GeoLite2-ASN',
	{
		autonomous_system_number       => 'uint32',
		autonomous_system_organization => 'utf8_string',
	}
);
for my $net ( sort keys %ASN ) {
	$a->insert_network(
		$net,
		{
			autonomous_system_number       => $ASN{$net}[0],
			autonomous_system_organization => $ASN{$net}[1],
		}
	);
}
write_tree( $a, 'asn.mmdb' );

# Broken files.
open my $in, '<:raw', "$dir/country-geolite2.mmdb" or die $!;
read $in, my $head, 200;
close $in;
open my $tr, '>:raw', "$dir/truncated.mmdb" or die $!;
print {$tr} $head;
close $tr;

my $x = 2463534242;    # xorshift32, fixed seed
my $junk = '';
for ( 1 .. 4096 ) {
	$x ^= ( $x << 13 ) & 0xffffffff;
	$x ^= $x >> 17;
	$x ^= ( $x << 5 ) & 0xffffffff;
	$junk .= chr( $x & 0xff );
}
open my $gb, '>:raw', "$dir/garbage.mmdb" or die $!;
print {$gb} $junk;
close $gb;

open my $em, '>:raw', "$dir/empty.mmdb" or die $!;
close $em;

# Opens fine (metadata intact) but every lookup walks into a record that
# points past the data section.
open $in, '<:raw', "$dir/country-geolite2.mmdb" or die $!;
my $whole = do { local $/; <$in> };
close $in;
substr( $whole, 0, 600 ) = "\xff" x 600;
open my $ct, '>:raw', "$dir/corrupt-tree.mmdb" or die $!;
print {$ct} $whole;
close $ct;
