//! The layered packet builder: Ethernet (with an optional VLAN tag), then
//! ARP, IPv4 or IPv6, then TCP, UDP or ICMP, then the payload. Every edit
//! replaces the selected packet's `PacketSpec`; lengths and checksums are
//! the `packets` crate's business.

use std::net::{Ipv4Addr, Ipv6Addr};

use packets::{
    ArpSpec, Icmpv4Message, Icmpv6Message, Ipv4Spec, Ipv6Spec, MacAddr, Network, PacketSpec,
    Payload, TcpFlags, TcpSpec, Transport, UdpSpec, VlanSpec,
};
use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

use super::field::{parse_number, TextField};

/// Builder properties.
#[derive(Properties, PartialEq)]
pub struct BuilderProps {
    /// The packet being edited.
    pub spec: PacketSpec,
    /// Called with the edited packet.
    pub on_change: Callback<PacketSpec>,
}

/// Makes one text field bound to a part of the spec.
fn field(
    props: &BuilderProps,
    id: &'static str,
    label: &'static str,
    value: String,
    set: impl Fn(&mut PacketSpec, &str) -> Result<(), String> + 'static,
) -> Html {
    let spec = props.spec.clone();
    let on_change = props.on_change.clone();
    let on_input = Callback::from(move |text: String| {
        let mut next = spec.clone();
        set(&mut next, &text)?;
        on_change.emit(next);
        Ok(())
    });
    html! { <TextField id={id} label={label} value={value} {on_input} /> }
}

fn mac(text: &str) -> Result<MacAddr, String> {
    text.trim().parse::<MacAddr>().map_err(|e| e.to_string())
}

fn ipv4(text: &str) -> Result<Ipv4Addr, String> {
    text.trim()
        .parse()
        .map_err(|_| format!("{:?} is not an IPv4 address (like 10.0.0.1)", text.trim()))
}

fn ipv6(text: &str) -> Result<Ipv6Addr, String> {
    text.trim()
        .parse()
        .map_err(|_| format!("{:?} is not an IPv6 address (like fd00::1)", text.trim()))
}

/// A `<select>` whose change yields the chosen option's value.
fn choice(
    id: &'static str,
    label: &'static str,
    options: &[(&str, &str)],
    current: &str,
    on: Callback<String>,
) -> Html {
    let onchange = Callback::from(move |e: Event| {
        let select: HtmlSelectElement = e.target_unchecked_into();
        on.emit(select.value());
    });
    html! {
        <div class="field">
            <label for={id}>{ label }</label>
            <select id={id} class="select" {onchange}>
                { for options.iter().map(|&(value, text)| html! {
                    <option value={value.to_string()} selected={value == current}>{ text }</option>
                }) }
            </select>
        </div>
    }
}

fn checkbox(id: &'static str, label: &'static str, checked: bool, on: Callback<bool>) -> Html {
    let onchange = Callback::from(move |e: Event| {
        let input: HtmlInputElement = e.target_unchecked_into();
        on.emit(input.checked());
    });
    html! {
        <label class="check" for={id}>
            <input id={id} type="checkbox" {checked} {onchange} />{ label }
        </label>
    }
}

/// A callback that edits the spec with `edit` and emits it.
fn edit<T: 'static>(
    props: &BuilderProps,
    edit: impl Fn(&mut PacketSpec, T) + 'static,
) -> Callback<T> {
    let spec = props.spec.clone();
    let on_change = props.on_change.clone();
    Callback::from(move |value: T| {
        let mut next = spec.clone();
        edit(&mut next, value);
        on_change.emit(next);
    })
}

fn ethernet(props: &BuilderProps) -> Html {
    let s = &props.spec;
    let vlan = s.vlan.as_ref().map(|v| {
        field(
            props,
            "pkt-vlan-id",
            "VLAN id",
            v.vid.to_string(),
            |s, t| {
                let vid: u16 = parse_number(t)?;
                if vid > 4095 {
                    return Err("a VLAN id is 0 to 4095".into());
                }
                s.vlan.get_or_insert_with(VlanSpec::default).vid = vid;
                Ok(())
            },
        )
    });
    html! {
        <fieldset class="layer">
            <legend>{ "Ethernet" }</legend>
            { field(props, "pkt-eth-dst", "Destination MAC", s.ethernet.dst.to_string(), |s, t| { s.ethernet.dst = mac(t)?; Ok(()) }) }
            { field(props, "pkt-eth-src", "Source MAC", s.ethernet.src.to_string(), |s, t| { s.ethernet.src = mac(t)?; Ok(()) }) }
            { checkbox("pkt-vlan", "802.1Q VLAN tag", s.vlan.is_some(), edit(props, |s, on: bool| {
                s.vlan = on.then(|| VlanSpec { vid: 100, ..VlanSpec::default() });
            })) }
            { for vlan }
        </fieldset>
    }
}

fn network_kind(n: &Network) -> &'static str {
    match n {
        Network::None => "none",
        Network::Arp(_) => "arp",
        Network::Ipv4(_) => "ipv4",
        Network::Ipv6(_) => "ipv6",
    }
}

fn network(props: &BuilderProps) -> Html {
    let s = &props.spec;
    let on_kind = edit(props, |s, kind: String| {
        s.network = match kind.as_str() {
            "arp" => Network::Arp(ArpSpec::default()),
            "ipv6" => Network::Ipv6(Ipv6Spec::default()),
            "none" => Network::None,
            _ => Network::Ipv4(Ipv4Spec::default()),
        };
        if s.network == Network::None {
            s.ethernet.ether_type.get_or_insert(0x88b5);
        } else {
            s.ethernet.ether_type = None;
        }
        // ICMP follows the IP version; ARP carries nothing.
        s.transport = match (&s.network, &s.transport) {
            (Network::Ipv6(_), Transport::Icmpv4(_)) => Transport::Icmpv6(Icmpv6Message::default()),
            (Network::Ipv4(_), Transport::Icmpv6(_)) => Transport::Icmpv4(Icmpv4Message::default()),
            (Network::Ipv4(_) | Network::Ipv6(_), t) => t.clone(),
            _ => Transport::None,
        };
    });
    let kinds = [
        ("none", "none"),
        ("arp", "ARP"),
        ("ipv4", "IPv4"),
        ("ipv6", "IPv6"),
    ];
    let body = match &s.network {
        Network::None => html! {},
        Network::Arp(a) => html! {
            <>
                { choice("pkt-arp-op", "Operation", &[("1", "request"), ("2", "reply")], &a.operation.to_string(),
                    edit(props, |s, op: String| if let Network::Arp(a) = &mut s.network { a.operation = op.parse().unwrap_or(1) })) }
                { field(props, "pkt-arp-smac", "Sender MAC", a.sender_mac.to_string(), |s, t| { let v = mac(t)?; if let Network::Arp(a) = &mut s.network { a.sender_mac = v } Ok(()) }) }
                { field(props, "pkt-arp-sip", "Sender IP", a.sender_ip.to_string(), |s, t| { let v = ipv4(t)?; if let Network::Arp(a) = &mut s.network { a.sender_ip = v } Ok(()) }) }
                { field(props, "pkt-arp-tmac", "Target MAC", a.target_mac.to_string(), |s, t| { let v = mac(t)?; if let Network::Arp(a) = &mut s.network { a.target_mac = v } Ok(()) }) }
                { field(props, "pkt-arp-tip", "Target IP", a.target_ip.to_string(), |s, t| { let v = ipv4(t)?; if let Network::Arp(a) = &mut s.network { a.target_ip = v } Ok(()) }) }
            </>
        },
        Network::Ipv4(ip) => html! {
            <>
                { field(props, "pkt-ip4-src", "Source", ip.src.to_string(), |s, t| { let v = ipv4(t)?; if let Network::Ipv4(ip) = &mut s.network { ip.src = v } Ok(()) }) }
                { field(props, "pkt-ip4-dst", "Destination", ip.dst.to_string(), |s, t| { let v = ipv4(t)?; if let Network::Ipv4(ip) = &mut s.network { ip.dst = v } Ok(()) }) }
                { field(props, "pkt-ip4-ttl", "TTL", ip.ttl.to_string(), |s, t| { let v = parse_number(t)?; if let Network::Ipv4(ip) = &mut s.network { ip.ttl = v } Ok(()) }) }
            </>
        },
        Network::Ipv6(ip) => html! {
            <>
                { field(props, "pkt-ip6-src", "Source", ip.src.to_string(), |s, t| { let v = ipv6(t)?; if let Network::Ipv6(ip) = &mut s.network { ip.src = v } Ok(()) }) }
                { field(props, "pkt-ip6-dst", "Destination", ip.dst.to_string(), |s, t| { let v = ipv6(t)?; if let Network::Ipv6(ip) = &mut s.network { ip.dst = v } Ok(()) }) }
                { field(props, "pkt-ip6-hop", "Hop limit", ip.hop_limit.to_string(), |s, t| { let v = parse_number(t)?; if let Network::Ipv6(ip) = &mut s.network { ip.hop_limit = v } Ok(()) }) }
            </>
        },
    };
    html! {
        <fieldset class="layer">
            <legend>{ "Network" }</legend>
            { choice("pkt-network", "Layer", &kinds, network_kind(&s.network), on_kind) }
            { body }
        </fieldset>
    }
}

fn transport_kind(t: &Transport) -> &'static str {
    match t {
        Transport::None => "none",
        Transport::Tcp(_) => "tcp",
        Transport::Udp(_) => "udp",
        Transport::Icmpv4(_) | Transport::Icmpv6(_) => "icmp",
    }
}

const TCP_FLAGS: [(&str, &str); 6] = [
    ("syn", "SYN"),
    ("ack", "ACK"),
    ("fin", "FIN"),
    ("rst", "RST"),
    ("psh", "PSH"),
    ("urg", "URG"),
];

fn flag<'a>(flags: &'a mut TcpFlags, name: &str) -> Option<&'a mut bool> {
    Some(match name {
        "syn" => &mut flags.syn,
        "ack" => &mut flags.ack,
        "fin" => &mut flags.fin,
        "rst" => &mut flags.rst,
        "psh" => &mut flags.psh,
        "urg" => &mut flags.urg,
        _ => return None,
    })
}

fn ports(props: &BuilderProps, src: u16, dst: u16) -> Html {
    fn set(s: &mut PacketSpec, t: &str, source: bool) -> Result<(), String> {
        let port: u16 = parse_number(t)?;
        match &mut s.transport {
            Transport::Tcp(tcp) if source => tcp.src_port = port,
            Transport::Tcp(tcp) => tcp.dst_port = port,
            Transport::Udp(udp) if source => udp.src_port = port,
            Transport::Udp(udp) => udp.dst_port = port,
            _ => {}
        }
        Ok(())
    }
    html! {
        <>
            { field(props, "pkt-sport", "Source port", src.to_string(), |s, t| set(s, t, true)) }
            { field(props, "pkt-dport", "Destination port", dst.to_string(), |s, t| set(s, t, false)) }
        </>
    }
}

fn transport(props: &BuilderProps) -> Html {
    let s = &props.spec;
    if !matches!(s.network, Network::Ipv4(_) | Network::Ipv6(_)) {
        return html! {};
    }
    let on_kind = edit(props, |s, kind: String| {
        let v6 = matches!(s.network, Network::Ipv6(_));
        s.transport = match kind.as_str() {
            "tcp" => Transport::Tcp(TcpSpec::default()),
            "udp" => Transport::Udp(UdpSpec::default()),
            "icmp" if v6 => Transport::Icmpv6(Icmpv6Message::default()),
            "icmp" => Transport::Icmpv4(Icmpv4Message::default()),
            _ => Transport::None,
        };
    });
    let kinds = [
        ("none", "none"),
        ("tcp", "TCP"),
        ("udp", "UDP"),
        ("icmp", "ICMP"),
    ];
    let body = match &s.transport {
        Transport::Tcp(tcp) => {
            let flags = TCP_FLAGS.iter().map(|&(name, label)| {
                let mut current = tcp.flags;
                let on = flag(&mut current, name).map(|b| *b).unwrap_or(false);
                let id: &'static str = match name {
                    "syn" => "pkt-tcp-syn",
                    "ack" => "pkt-tcp-ack",
                    "fin" => "pkt-tcp-fin",
                    "rst" => "pkt-tcp-rst",
                    "psh" => "pkt-tcp-psh",
                    _ => "pkt-tcp-urg",
                };
                checkbox(
                    id,
                    label,
                    on,
                    edit(props, move |s, value: bool| {
                        if let Transport::Tcp(tcp) = &mut s.transport {
                            if let Some(b) = flag(&mut tcp.flags, name) {
                                *b = value;
                            }
                        }
                    }),
                )
            });
            html! {
                <>
                    { ports(props, tcp.src_port, tcp.dst_port) }
                    { field(props, "pkt-tcp-seq", "Sequence", tcp.seq.to_string(), |s, t| { let v = parse_number(t)?; if let Transport::Tcp(tcp) = &mut s.transport { tcp.seq = v } Ok(()) }) }
                    <div class="flags" role="group" aria-label="TCP flags">{ for flags }</div>
                </>
            }
        }
        Transport::Udp(udp) => ports(props, udp.src_port, udp.dst_port),
        Transport::Icmpv4(m) => icmp_echo(props, matches!(m, Icmpv4Message::EchoReply { .. })),
        Transport::Icmpv6(m) => icmp_echo(props, matches!(m, Icmpv6Message::EchoReply { .. })),
        Transport::None => html! {},
    };
    html! {
        <fieldset class="layer">
            <legend>{ "Transport" }</legend>
            { choice("pkt-transport", "Layer", &kinds, transport_kind(&s.transport), on_kind) }
            { body }
        </fieldset>
    }
}

fn icmp_echo(props: &BuilderProps, reply: bool) -> Html {
    let on = edit(props, |s, kind: String| {
        let reply = kind == "reply";
        s.transport = match (&s.transport, reply) {
            (Transport::Icmpv6(_), true) => {
                Transport::Icmpv6(Icmpv6Message::EchoReply { id: 1, seq: 1 })
            }
            (Transport::Icmpv6(_), false) => {
                Transport::Icmpv6(Icmpv6Message::EchoRequest { id: 1, seq: 1 })
            }
            (_, true) => Transport::Icmpv4(Icmpv4Message::EchoReply { id: 1, seq: 1 }),
            (_, false) => Transport::Icmpv4(Icmpv4Message::EchoRequest { id: 1, seq: 1 }),
        };
    });
    let current = if reply { "reply" } else { "request" };
    choice(
        "pkt-icmp",
        "Message",
        &[("request", "echo request"), ("reply", "echo reply")],
        current,
        on,
    )
}

fn payload(props: &BuilderProps) -> Html {
    let s = &props.spec;
    let (kind, text) = match &s.payload {
        Payload::Empty => ("none", String::new()),
        Payload::Hex(h) => ("hex", h.clone()),
        Payload::Text(t) => ("text", t.clone()),
    };
    let on_kind = edit(props, |s, kind: String| {
        s.payload = match kind.as_str() {
            "hex" => Payload::Hex(String::new()),
            "text" => Payload::Text(String::new()),
            _ => Payload::Empty,
        };
    });
    let input = match kind {
        "none" => html! {},
        _ => field(props, "pkt-payload", "Bytes", text, |s, t| {
            s.payload = match &s.payload {
                Payload::Hex(_) => {
                    packets::hex::parse_plain_hex(t).map_err(|e| e.to_string())?;
                    Payload::Hex(t.to_string())
                }
                _ => Payload::Text(t.to_string()),
            };
            Ok(())
        }),
    };
    html! {
        <fieldset class="layer">
            <legend>{ "Payload" }</legend>
            { choice("pkt-payload-kind", "As", &[("none", "none"), ("text", "text"), ("hex", "hex")], kind, on_kind) }
            { input }
            { checkbox("pkt-pad", "Pad to 60 bytes", s.pad_to_min_frame, edit(props, |s, on: bool| s.pad_to_min_frame = on)) }
        </fieldset>
    }
}

/// The builder form.
#[component]
pub fn Builder(props: &BuilderProps) -> Html {
    // Keyed by layer kinds so a field remounts (showing the new layer's
    // value) when its layer changes, and keeps the user's text otherwise.
    let key = format!(
        "{}-{}-{}-{}",
        network_kind(&props.spec.network),
        transport_kind(&props.spec.transport),
        props.spec.vlan.is_some(),
        std::mem::discriminant(&props.spec.payload) == std::mem::discriminant(&Payload::Empty)
    );
    html! {
        <form class="builder" aria-label="Packet builder" onsubmit={Callback::from(|e: SubmitEvent| e.prevent_default())}>
            <div class="builder-layers" key={key}>
                { ethernet(props) }
                { network(props) }
                { transport(props) }
                { payload(props) }
            </div>
        </form>
    }
}
