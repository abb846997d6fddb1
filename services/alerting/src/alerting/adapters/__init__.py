"""Everything that touches the database or the network, behind the ports: `tables`,
`repositories` and the `unit_of_work`, the notification `channels` and their `dispatcher`,
and the `retention` purges."""
