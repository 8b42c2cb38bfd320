//! Synthetic inputs for the eBPF playground: packets built layer by layer,
//! packets pasted as hex dumps, and packets read from capture files.
//!
//! - [`spec`]: [`PacketSpec`], a layered packet description (Ethernet with an
//!   optional 802.1Q tag; ARP, IPv4 or IPv6; TCP, UDP, ICMP or ICMPv6; a
//!   payload) that serialises to JSON; [`PacketSpec::to_bytes`] fills in
//!   EtherTypes, protocol numbers, lengths and checksums.
//! - [`dissect`](mod@dissect): labels each byte range of a frame with its protocol field,
//!   so a program's loads and stores can be named ("bytes 12-13: EtherType").
//! - [`hex`]: reads plain hex and the dumps of od, xxd, tcpdump, Wireshark,
//!   scapy and hexdump, with errors at a line and column.
//! - [`capture`]: reads pcap (both magics, both byte orders) and pcapng with
//!   Ethernet, raw IP, loopback and Linux cooked link types, converting every
//!   packet to Ethernet; writes pcap and pcapng.
//!
//! ```
//! use packets::{dissect, PacketSpec, Transport, TcpSpec};
//!
//! let spec = PacketSpec {
//!     transport: Transport::Tcp(TcpSpec { dst_port: 443, ..TcpSpec::default() }),
//!     ..PacketSpec::default()
//! };
//! let frame = spec.to_bytes().unwrap();
//! let fields = dissect(&frame);
//! let ether_type = fields.iter().find(|f| f.start == 12).unwrap();
//! assert_eq!(ether_type.to_string(), "bytes 12-13: Ethernet EtherType = 0x0800 (IPv4)");
//! let port = packets::fields_touched(&fields, 36, 2);
//! assert_eq!(port[0].value_text, "443 (HTTPS)");
//! ```

#![forbid(unsafe_code)]
#![warn(missing_docs)]

mod build;
pub mod capture;
pub mod dissect;
pub mod hex;
pub mod spec;

pub use build::{BuildError, MIN_FRAME_LEN};
pub use capture::{read_capture, write_pcap, CaptureError, CapturedPacket};
pub use dissect::{diff, dissect, fields_touched, summary, Field, FieldChange, Layer};
pub use hex::{parse_hex_dump, HexDump, HexError, HexFormat};
pub use spec::{
    ArpSpec, EthernetSpec, Icmpv4Message, Icmpv6Message, Ipv4Spec, Ipv6Spec, MacAddr, Network,
    PacketSpec, Payload, TcpFlags, TcpOption, TcpSpec, Transport, UdpSpec, VlanSpec,
};
